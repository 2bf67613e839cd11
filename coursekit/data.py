"""Loading the course photographs from the ``data/`` folder (never from the network)."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

#: Where the photos live: ``$COURSE_DATA_DIR`` if set, else ``data/`` beside this package.
DATA_DIR = Path(os.environ.get("COURSE_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))

_SUFFIXES = (".png", ".jpg")


def photo_names() -> list[str]:
    """The names (without suffix) of the photos in :data:`DATA_DIR`, sorted."""
    return sorted(p.stem for p in DATA_DIR.iterdir() if p.suffix in _SUFFIXES)


def load_photo(name: str, *, grey: bool = True) -> np.ndarray:
    """Load a course photo by name, e.g. ``load_photo("coffee")``.

    Returns a ``uint8`` array: shape ``(H, W)`` in grey (the default), or ``(H, W, 3)``
    in RGB order when ``grey=False``. Raises ``FileNotFoundError`` naming the photos that
    exist when ``name`` is not one of them.
    """
    for suffix in _SUFFIXES:
        path = DATA_DIR / f"{name}{suffix}"
        if path.is_file():
            break
    else:
        raise FileNotFoundError(
            f"No photo called {name!r} in {DATA_DIR}. Available: {', '.join(photo_names())}."
        )
    flag = cv2.IMREAD_GRAYSCALE if grey else cv2.IMREAD_COLOR
    image = cv2.imread(str(path), flag)
    if image is None:
        raise OSError(f"{path} exists but could not be read as an image.")
    return image if grey else cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
