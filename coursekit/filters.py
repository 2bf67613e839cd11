"""Named edge kernels and a fast side-by-side figure for the equivariance notebook.

Nothing here is graded and nothing here filters an image: the students write
``correlate2d`` themselves. Kernels are cross-correlation kernels (as used by CNN layers
and ``cv2.filter2D``): ``SOBEL_X`` responds positively where brightness increases from
left to right.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
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
    shrunk = [_shrink(image, step) for image in images]
    gap = np.full((shrunk[0].shape[0], 8), np.nan)
    mosaic = np.hstack([part for image in shrunk for part in (image, gap)][:-1])
    line = int(np.ceil(fontsize * dpi / 72 * 1.3))  # pixels per line of text
    # the colour scale: a strip from -limit to +limit, 240 pixels long, under the picture
    bar_width = min(240, mosaic.shape[1])
    legend = np.full((8 + 12 + line + 4, mosaic.shape[1]), np.nan)
    legend[8:20, :bar_width] = np.linspace(-limit, limit, bar_width)[None, :]
    mosaic = np.vstack([mosaic, legend])
    # 32 colours are plenty for a signed response and make the PNG much quicker to encode
    rgb = colormaps[cmap].resampled(32)((mosaic + limit) / (2 * limit), bytes=True)
    rgb[np.isnan(mosaic)] = 255
    h, w = rgb.shape[:2]
    top = line + 6
    fig = plt.figure(figsize=(w / dpi, (h + top) / dpi), dpi=dpi)
    fig.figimage(rgb, xo=0, yo=0, origin="upper")
    # an invisible frame, so that savefig(bbox_inches="tight") keeps the whole picture
    fig.patches.append(Rectangle((0, 0), 1, 1, transform=fig.transFigure, fill=False, linewidth=0))
    for k, title in enumerate(titles):
        fig.text((k + 0.5) / len(images), 1 - 3 / (h + top), title, ha="center", va="top", fontsize=fontsize)
    below = (legend.shape[0] - 22) / (h + top)
    for x, label, align in ((0, f"{-limit:g}", "left"), (bar_width / 2, "0", "center"),
                            (bar_width, f"+{limit:g}", "right")):
        fig.text(x / w, below, label, ha=align, va="top", fontsize=fontsize)
    fig.text((bar_width + 12) / w, (legend.shape[0] - 14) / (h + top), "colour scale: blue below 0, red above",
             ha="left", va="center", fontsize=fontsize)
    return fig
