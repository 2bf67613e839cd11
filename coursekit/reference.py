"""Reference versions of functions that students wrote in earlier notebooks, for later
notebooks that build on them (notebook 5 uses translation, cross-correlation and the
equivariance error of notebooks 1 and 2), and for the tests of a graded function that
builds on another one: :func:`in_place_of` lets them charge a fault once, to the function
that has it.

They follow COURSE_SPEC exactly and are short rather than fast; they are not graded, and
they are not the exercises' model solutions (those stay in ``solutions/``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import numpy as np


def _real_2d(name: str, x: object) -> np.ndarray:
    array = np.asarray(x)
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-D, but it has shape {array.shape}")
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must hold real numbers, not {array.dtype}")
    return array.astype(float)


def _integer(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__} ({value!r})")
    return int(value)


def translate(image: np.ndarray, dy: int, dx: int, mode: str = "constant") -> np.ndarray:
    """``out[i + dy, j + dx] == image[i, j]``; ``"constant"`` fills with 0, ``"wrap"`` is circular."""
    image = _real_2d("image", image)
    dy, dx = _integer("dy", dy), _integer("dx", dx)
    if mode == "wrap":
        return np.roll(image, (dy, dx), axis=(0, 1))
    if mode != "constant":
        raise ValueError(f'mode must be "constant" or "wrap", not {mode!r}')
    out = np.zeros_like(image)
    height, width = image.shape
    if abs(dy) < height and abs(dx) < width:
        out[max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = \
            image[max(-dy, 0):height + min(-dy, 0), max(-dx, 0):width + min(-dx, 0)]
    return out


def correlate2d(image: np.ndarray, kernel: np.ndarray, padding: str = "valid") -> np.ndarray:
    """Cross-correlation ``out[i, j] = sum image[i+u, j+v] * kernel[u, v]``; padding
    ``"valid"``, ``"same"`` (zeros) or ``"wrap"`` (circular)."""
    image, kernel = _real_2d("image", image), _real_2d("kernel", kernel)
    if padding not in ("valid", "same", "wrap"):
        raise ValueError(f'padding must be "valid", "same" or "wrap", not {padding!r}')
    kh, kw = kernel.shape
    if kh == 0 or kw == 0:
        raise ValueError("the kernel is empty")
    if padding != "valid":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError(f"padding={padding!r} needs odd kernel sizes, not {kernel.shape}")
        image = np.pad(image, ((kh // 2,) * 2, (kw // 2,) * 2), mode="constant" if padding == "same" else "wrap")
    height, width = image.shape
    if kh > height or kw > width:
        raise ValueError(f"kernel {kernel.shape} is larger than the image {image.shape}")
    out = np.zeros((height - kh + 1, width - kw + 1))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u:u + out.shape[0], v:v + out.shape[1]]
    return out


def equivariance_error(f: Callable[[np.ndarray], np.ndarray], image: np.ndarray, dy: int, dx: int) -> float:
    """Largest ``|f(shift(image)) - shift(f(image))|`` for a circular shift by ``(dy, dx)``."""
    image = _real_2d("image", image)
    dy, dx = _integer("dy", dy), _integer("dx", dx)
    shifted_first = np.asarray(f(np.roll(image, (dy, dx), axis=(0, 1))), dtype=float)
    filtered = np.asarray(f(image), dtype=float)
    for name, result in (("f(shifted image)", shifted_first), ("f(image)", filtered)):
        if result.shape != image.shape:
            raise ValueError(f"{name} has shape {result.shape}, not the image's shape {image.shape}")
    return float(np.max(np.abs(shifted_first - np.roll(filtered, (dy, dx), axis=(0, 1)))))


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)`` elementwise, as a new float array."""
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def max_pool2d(image: np.ndarray, size: int = 2) -> np.ndarray:
    """Non-overlapping ``size x size`` maxima with stride ``size``; leftover rows and columns dropped."""
    image, size = _real_2d("image", image), _integer("size", size)
    if size < 1:
        raise ValueError(f"size must be at least 1, not {size}")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    if rows == 0 or cols == 0:
        raise ValueError(f"the image {image.shape} is smaller than a {size} x {size} window")
    return image[:rows * size, :cols * size].reshape(rows, size, cols, size).max(axis=(1, 3))


@contextmanager
def in_place_of(namespace: MutableMapping[str, Any], *names: str) -> Iterator[None]:
    """Within the block, ``namespace[name]`` is this module's ``name`` for each of ``names``.

    A test of a function that calls another graded function (``convolve2d`` calling
    ``correlate2d``, ``feature_pipeline`` calling ``relu``) runs inside this block, so a
    mistake in the function it calls is not charged a second time. Afterwards the student's
    own functions are back, whatever the block did.
    """
    saved = {name: namespace[name] for name in names if name in namespace}
    try:
        namespace.update({name: globals()[name] for name in names})
        yield
    finally:
        for name in names:
            namespace.pop(name, None)
        namespace.update(saved)
