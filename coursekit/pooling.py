"""Helpers for notebook 3 (Invariance): pooling pyramids side by side, and the check
that the visible tests of ``brightest_pixel`` use.

Nothing here pools or is graded; the notebook computes the pyramids with the student's
own functions and only hands the arrays to :func:`pyramid_figure` to draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from coursekit.checks import fail
from coursekit.plotting import TITLE_FONTSIZE, VALUE_FONTSIZE


def pyramid_figure(
    rows: Sequence[Sequence[np.ndarray]],
    row_titles: Sequence[str] | None = None,
    *,
    titles: Sequence[Sequence[str]] | None = None,
    size: float = 2.2,
    values: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: str = "gray",
    fontsize: float = TITLE_FONTSIZE,
    title: str | None = None,
) -> Figure:
    """A grid of images: one row per pyramid (level 0 on the left), one column per level.

    Every panel is drawn at the same size whatever its shape, so that a 10 x 10 image and
    its 1 x 1 top level are equally visible; each panel's title gives its level and shape
    (or the matching entry of ``titles``). ``row_titles`` label the rows; ``values=True``
    writes each pixel's value on images of at most 36 pixels (a 6 x 6 image, or 2 x 8); ``vmin``/``vmax`` fix
    one grey scale for every panel (by default each panel uses its own range). Rows may
    have different lengths. ``title`` goes above the figure
    (:func:`coursekit.plotting.figure_title` gives it, to change); ``fontsize`` is the
    size of the titles and labels.
    """
    rows = [[np.asarray(image) for image in row] for row in rows]
    if not rows or not all(rows):
        raise ValueError("pyramid_figure needs at least one non-empty row of images")
    if row_titles is not None and len(row_titles) != len(rows):
        raise ValueError(f"{len(rows)} rows but {len(row_titles)} row titles")
    if titles is not None and [len(t) for t in titles] != [len(r) for r in rows]:
        raise ValueError("titles must have one entry per image, row by row")
    columns = max(len(row) for row in rows)
    fig, axes = plt.subplots(len(rows), columns, figsize=(size * columns, size * len(rows) + 0.3),
                             squeeze=False)
    for r, row in enumerate(rows):
        for c in range(columns):
            ax = axes[r][c]
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if c >= len(row):
                ax.axis("off")
                continue
            image = row[c]
            ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            shape = " x ".join(str(n) for n in image.shape)
            ax.set_title(titles[r][c] if titles is not None else f"level {c}: {shape}", fontsize=fontsize)
            if values and 0 < image.size <= 36:
                as_float = image.astype(float)
                low = np.nanmin(as_float) if vmin is None else vmin
                high = np.nanmax(as_float) if vmax is None else vmax
                for (i, j), v in np.ndenumerate(as_float):
                    ax.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=VALUE_FONTSIZE,
                            color="black" if v > (low + high) / 2 else "white")
        if row_titles is not None:
            axes[r][0].set_ylabel(row_titles[r], fontsize=fontsize)
    if title is not None:
        fig.suptitle(title, fontsize=fontsize).set_label("title")
    fig.tight_layout()
    return fig


def check_position(actual: object, expected: tuple[int, int], *, what: str, hint: str = "") -> None:
    """Check that ``actual`` is a ``(row, col)`` tuple of two Python ints equal to ``expected``.

    NumPy integers (``np.int64``, what ``np.unravel_index`` returns) are not accepted:
    the contract is plain Python ints, which print and compare the same everywhere.
    """
    kinds = [type(v).__name__ for v in actual] if isinstance(actual, (tuple, list)) else None
    if type(actual) is not tuple or len(actual) != 2 or not all(type(v) is int for v in actual):
        message = (f"{what} should return a tuple of two Python ints such as (2, 3), but it returned "
                   f"{actual!r} ({type(actual).__name__}" + (f" of {', '.join(kinds)}" if kinds else "") + ").")
        advice = "return a tuple (int(row), int(col)); NumPy integers such as np.int64 are not Python ints."
        fail(message, advice)
    if actual != tuple(expected):
        message = f"{what} returned {actual!r}, but the expected position is {tuple(expected)!r}."
        fail(message, hint)
