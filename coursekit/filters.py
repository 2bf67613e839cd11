"""Named edge kernels and a fast side-by-side figure for the equivariance notebook.

Nothing here is graded and nothing here filters an image: the students write
``correlate2d`` themselves. Kernels are cross-correlation kernels (as used by CNN layers
and ``cv2.filter2D``): ``SOBEL_X`` responds positively where brightness increases from
left to right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.image import FigureImage
from matplotlib.text import Text
from matplotlib.patches import Rectangle

from coursekit.plotting import LIVE_DPI, LIVE_FONTSIZE

#: Sobel kernel for vertical edges (a horizontal derivative): [1, 2, 1]^T times [-1, 0, 1].
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
#: Sobel kernel for horizontal edges (a vertical derivative): the transpose of ``SOBEL_X``.
SOBEL_Y = SOBEL_X.T.copy()
#: Prewitt kernel for vertical edges: [1, 1, 1]^T times [-1, 0, 1]. Often mislabelled "Sobel".
PREWITT_X = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], dtype=float)
#: Prewitt kernel for horizontal edges.
PREWITT_Y = PREWITT_X.T.copy()

for _kernel in (SOBEL_X, SOBEL_Y, PREWITT_X, PREWITT_Y):
    _kernel.setflags(write=False)


def _shrink(image: np.ndarray, step: int) -> np.ndarray:
    """Each ``step x step`` block replaced by its value of largest magnitude."""
    h, w = image.shape[0] // step * step, image.shape[1] // step * step
    parts = [image[u:h:step, v:w:step] for u in range(step) for v in range(step)]
    high, low = parts[0].copy(), parts[0].copy()
    for part in parts[1:]:
        np.maximum(high, part, out=high)
        np.minimum(low, part, out=low)
    return np.where(high >= -low, high, low)


@dataclass
class _Panels:
    """How a :func:`panel_figure` colours its images, and the artists that show them."""

    limit: float
    step: int
    cmap: str
    shape: tuple[int, ...]
    legend: np.ndarray
    image: FigureImage | None = None
    titles: list[Text] = field(default_factory=list)

    def colour(self, images: Sequence[np.ndarray] | None = None) -> np.ndarray:
        """The images shrunk and side by side (or, without images, the colour scale), as
        RGB bytes."""
        if images is None:
            mosaic = self.legend
        else:
            shrunk = [_shrink(image, self.step) for image in images]
            gap = np.full((shrunk[0].shape[0], 8), np.nan)
            mosaic = np.hstack([part for image in shrunk for part in (image, gap)][:-1])
        # 32 colours are plenty for a signed response and make the PNG much quicker to encode
        rgb = colormaps[self.cmap].resampled(32)((mosaic + self.limit) / (2 * self.limit), bytes=True)
        rgb[np.isnan(mosaic)] = 255
        return rgb


_PANELS: WeakKeyDictionary[Figure, _Panels] = WeakKeyDictionary()


def panel_figure(
    images: Sequence[np.ndarray],
    titles: Sequence[str],
    *,
    limit: float,
    step: int = 2,
    dpi: int = LIVE_DPI,
    cmap: str = "RdBu_r",
    fontsize: float = LIVE_FONTSIZE,
) -> Figure:
    """Same-shaped signed images side by side on one colour scale ``[-limit, limit]``,
    with that scale drawn under them.

    Made for live widgets: the images are coloured with NumPy and shown as one RGB
    picture, shrunk by ``step`` in each direction (about the size at which it is
    displayed), which draws several times faster than one Matplotlib axes per image.
    Shrinking keeps, in each ``step x step`` block, the value farthest from zero, so
    that thin lines (a one-pixel border band) stay visible. Blue is negative, white
    zero, red positive.
    """
    images = [np.asarray(image, dtype=float) for image in images]
    if len(titles) != len(images) or not images:
        raise ValueError(f"{len(images)} images but {len(titles)} titles")
    if len({image.shape for image in images}) != 1:
        raise ValueError("all images must have the same shape")
    if not limit > 0:
        raise ValueError(f"limit must be positive, not {limit}")
    line = int(np.ceil(fontsize * dpi / 72 * 1.3))  # pixels per line of text
    # the colour scale: a strip from -limit to +limit, 240 pixels long, under the picture
    width = sum(_shrink(images[0][:step, :], step).shape[1] + 8 for _ in images) - 8
    bar_width = min(240, width)
    legend = np.full((8 + 12 + line + 4, width), np.nan)
    legend[8:20, :bar_width] = np.linspace(-limit, limit, bar_width)[None, :]
    layout = _Panels(limit=limit, step=step, cmap=cmap, shape=images[0].shape, legend=legend)
    rgb = layout.colour(images)
    h, w = rgb.shape[0] + legend.shape[0], rgb.shape[1]
    top = line + 6
    fig = plt.figure(figsize=(w / dpi, (h + top) / dpi), dpi=dpi)
    layout.image = fig.figimage(rgb, xo=0, yo=legend.shape[0], origin="upper")
    fig.figimage(layout.colour(), xo=0, yo=0, origin="upper")
    # an invisible frame, so that savefig(bbox_inches="tight") keeps the whole picture
    fig.patches.append(Rectangle((0, 0), 1, 1, transform=fig.transFigure, fill=False, linewidth=0))
    layout.titles = [fig.text((k + 0.5) / len(images), 1 - 3 / (h + top), title, ha="center", va="top",
                              fontsize=fontsize) for k, title in enumerate(titles)]
    _PANELS[fig] = layout
    below = (legend.shape[0] - 22) / (h + top)
    for x, label, align in ((0, f"{-limit:g}", "left"), (bar_width / 2, "0", "center"),
                            (bar_width, f"+{limit:g}", "right")):
        fig.text(x / w, below, label, ha=align, va="top", fontsize=fontsize)
    fig.text((bar_width + 12) / w, (legend.shape[0] - 14) / (h + top), "colour scale: blue below 0, red above",
             ha="left", va="center", fontsize=fontsize)
    return fig


def update_panels(fig: Figure, images: Sequence[np.ndarray], titles: Sequence[str] | None = None) -> list[Artist]:
    """Show new ``images`` (shaped as before) and ``titles`` in a :func:`panel_figure`;
    returns the artists changed, for :class:`coursekit.LiveFigure` to redraw only them."""
    if fig not in _PANELS:
        raise ValueError("update_panels needs a figure made by panel_figure")
    layout = _PANELS[fig]
    images = [np.asarray(image, dtype=float) for image in images]
    if len(images) != len(layout.titles) or any(image.shape != layout.shape for image in images):
        raise ValueError(f"update_panels needs {len(layout.titles)} images of shape {layout.shape}")
    layout.image.set_data(layout.colour(images))
    changed: list[Artist] = [layout.image]
    if titles is not None:
        if len(titles) != len(layout.titles):
            raise ValueError(f"{len(titles)} titles for {len(layout.titles)} images")
        for text, title in zip(layout.titles, titles):
            text.set_text(title)
        changed += layout.titles
    return changed
