"""Figures used across the notebooks, and the course's figure defaults.

Readable at the size they are shown: no text under :data:`MIN_TEXT_PT` points on screen.
A font of ``s`` points in a figure rendered at ``dpi`` pixels per inch appears on a screen
of 96 CSS pixels per inch at ``s * dpi / 96`` points, smaller still when the picture is
wider than the notebook's output area and the browser shrinks it to fit.
:func:`smallest_text` measures this for any figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.text import Text

#: Pixels per inch of the figures shown below a cell (Matplotlib's default, which
#: matplotlib-inline keeps).
INLINE_DPI = 100
#: Pixels per inch of the live figures (:class:`coursekit.widgets.LiveFigure`): fewer pixels
#: to draw and send at every slider step, so their text must be larger in points.
LIVE_DPI = 80
#: Width (CSS pixels) of a notebook's output area in a 1280-pixel-wide browser window with
#: JupyterLab's file browser open. A wider picture is shrunk to fit.
DISPLAY_WIDTH = 900
#: The smallest text a figure may show, in points on screen.
MIN_TEXT_PT = 9.0
#: Font size (points) of titles and labels in figures shown below a cell.
TITLE_FONTSIZE = 11
#: Font size (points) of numbers written inside the pixels of small images.
VALUE_FONTSIZE = 10
#: Font size (points) of any text in a live figure: 11 pt at 80 dpi shows as 9.2 pt.
LIVE_FONTSIZE = 11


def smallest_text(fig: Figure, dpi: float | None = None, display_width: float = DISPLAY_WIDTH) -> tuple[float, str]:
    """The smallest visible text of ``fig`` as it appears on screen: ``(points, text)``.

    ``dpi`` is the resolution the figure is rendered at (default: the figure's own);
    a picture wider than ``display_width`` CSS pixels is shrunk to that width.
    ``(inf, "")`` for a figure without text.
    """
    dpi = float(dpi if dpi is not None else fig.dpi)
    if dpi <= 0 or display_width <= 0:
        raise ValueError(f"dpi and display_width must be positive, got {dpi} and {display_width}")
    fig.canvas.draw()  # lays out tick labels, which exist only once the figure is drawn
    shrink = min(1.0, display_width / (fig.get_figwidth() * dpi))
    found = (float("inf"), "")
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_alpha() != 0:
            points = text.get_fontsize() * dpi / 96 * shrink
            found = min(found, (points, text.get_text()))
    return found


def fit(image: np.ndarray, pixels: tuple[float, float], how: str = "mean") -> np.ndarray:
    """``image`` reduced by a whole factor to about ``pixels`` (rows, columns), the size it
    is shown at: each block of ``k x k`` pixels becomes its mean (``how="mean"``, for
    photos) or its largest value (``how="max"``, for sparse feature maps, whose thin edges
    a plain subsampling would drop). Drawing then costs little, and looks as it would.
    Images already small enough come back as they are. Draw the result with the full
    image's extent (``imshow(..., extent=...)`` or ``set_data`` on an image made from it).
    """
    if how not in ("mean", "max"):
        raise ValueError(f'how must be "mean" or "max", not {how!r}')
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"fit needs a 2-D image, not shape {image.shape}")
    k = int(min(image.shape[0] / max(pixels[0], 1), image.shape[1] / max(pixels[1], 1)))
    if k < 2:
        return image
    height, width = image.shape[0] // k, image.shape[1] // k
    blocks = image[:height * k, :width * k].reshape(height, k, width, k)
    return blocks.max(axis=(1, 3)) if how == "max" else blocks.mean(axis=(1, 3))


def panel_pixels(ax) -> tuple[float, float]:
    """The size (rows, columns) in pixels of the axes ``ax`` at its figure's resolution."""
    box = ax.get_position()
    width, height = ax.get_figure(root=True).get_size_inches() * ax.get_figure(root=True).dpi
    return box.height * height, box.width * width


def _each(option: object, count: int, name: str) -> list:
    """``option`` for each of ``count`` images: one value for all, or a list of ``count``."""
    if isinstance(option, (list, tuple)):
        if len(option) != count:
            raise ValueError(f"{name} has {len(option)} entries for {count} images")
        return list(option)
    return [option] * count


def image_figure(
    images: Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    *,
    cmap: str | Sequence[str] = "gray",
    size: float = 3.0,
    values: bool = False,
    colorbar: bool | Sequence[bool] = False,
    vmin: float | None | Sequence[float | None] = None,
    vmax: float | None | Sequence[float | None] = None,
    title: str | None = None,
) -> Figure:
    """A figure with the images side by side, each titled with its name and shape.

    ``values=True`` writes every pixel's value on small images (at most 16 x 16), which is
    how the notebooks show that an image is just an array of numbers. ``colorbar=True``
    adds a colour scale to each image; ``vmin``/``vmax`` fix it so that several images
    share one scale. ``cmap``, ``colorbar``, ``vmin`` and ``vmax`` also take one value per
    image (a photo on 0..255 next to a feature map on its own scale, say). ``title`` goes
    above the figure (:func:`figure_title` gives it, to change).
    """
    images = [np.asarray(image) for image in images]
    if not images:
        raise ValueError("image_figure needs at least one image")
    titles = list(titles) if titles is not None else [""] * len(images)
    if len(titles) != len(images):
        raise ValueError(f"{len(images)} images but {len(titles)} titles")
    cmaps, colorbars = _each(cmap, len(images), "cmap"), _each(colorbar, len(images), "colorbar")
    lows, highs = _each(vmin, len(images), "vmin"), _each(vmax, len(images), "vmax")
    fig, axes = plt.subplots(1, len(images), figsize=(size * len(images), size), squeeze=False)
    for k, (ax, image, name) in enumerate(zip(axes[0], images, titles)):
        shown = ax.imshow(image, cmap=cmaps[k], vmin=lows[k], vmax=highs[k], interpolation="nearest")
        shape = " x ".join(str(n) for n in image.shape)
        ax.set_title(f"{name}\n{shape}" if name else shape, fontsize=TITLE_FONTSIZE)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if values and max(image.shape) <= 16:
            as_float = image.astype(float)
            middle = (np.nanmax(as_float) + np.nanmin(as_float)) / 2
            for (i, j), v in np.ndenumerate(image):
                ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=VALUE_FONTSIZE,
                        color="black" if as_float[i, j] > middle else "white")
        if colorbars[k]:
            fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04).ax.tick_params(labelsize=TITLE_FONTSIZE)
    if title is not None:
        fig.suptitle(title, fontsize=TITLE_FONTSIZE).set_label("title")
    fig.tight_layout()
    return fig


def figure_title(fig: Figure) -> Text:
    """The title of a figure made with ``title=...`` (:func:`image_figure`,
    ``pyramid_figure``), to change its text in a live figure."""
    titles = [text for text in fig.texts if text.get_label() == "title"]
    if not titles:
        raise ValueError("the figure was made without a title (title='' makes room for one)")
    return titles[0]


def show_images(images: Sequence[np.ndarray], titles: Sequence[str] | None = None, **options) -> None:
    """Draw :func:`image_figure` at once (options as there); returns nothing."""
    image_figure(images, titles, **options)
    plt.show()
