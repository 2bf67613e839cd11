"""Figures used across the notebooks."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def image_figure(
    images: Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    *,
    cmap: str = "gray",
    size: float = 3.0,
    values: bool = False,
    colorbar: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """A figure with the images side by side, each titled with its name and shape.

    ``values=True`` writes every pixel's value on small images (at most 16 x 16), which is
    how the notebooks show that an image is just an array of numbers. ``colorbar=True``
    adds a colour scale to each image; ``vmin``/``vmax`` fix it so that several images
    share one scale.
    """
    images = [np.asarray(image) for image in images]
    titles = list(titles) if titles is not None else [""] * len(images)
    if len(titles) != len(images):
        raise ValueError(f"{len(images)} images but {len(titles)} titles")
    fig, axes = plt.subplots(1, len(images), figsize=(size * len(images), size), squeeze=False)
    for ax, image, title in zip(axes[0], images, titles):
        shown = ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        shape = " x ".join(str(n) for n in image.shape)
        ax.set_title(f"{title}\n{shape}" if title else shape)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if values and max(image.shape) <= 16:
            as_float = image.astype(float)
            middle = (np.nanmax(as_float) + np.nanmin(as_float)) / 2
            for (i, j), v in np.ndenumerate(image):
                ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=7,
                        color="black" if as_float[i, j] > middle else "white")
        if colorbar:
            fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig


def show_images(images: Sequence[np.ndarray], titles: Sequence[str] | None = None, **options) -> None:
    """Draw :func:`image_figure` at once (options as there); returns nothing."""
    image_figure(images, titles, **options)
    plt.show()
