"""Figures for notebook 4 (the pipeline): feature pyramids side by side.

Nothing here is graded and nothing here computes features: the notebook builds the
pyramids with the student's own functions and only hands them here to be drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from coursekit.plotting import DISPLAY_WIDTH, INLINE_DPI, TITLE_FONTSIZE, figure_title, fit, panel_pixels

__all__ = ["depth_scales", "figure_title", "highlight_depth", "pyramid_figure", "update_row"]

#: A feature map's grey scale ends at this percentile of the first row's map at the same
#: depth: edge maps are sparse, and a scale up to their single largest value would show
#: almost every response as black.
SCALE_PERCENTILE = 99.0
_HIGHLIGHT = {"edgecolor": "red", "linewidth": 3.0}


def depth_scales(pyramid: Sequence[np.ndarray]) -> list[float]:
    """The top of the grey scale of each feature map of ``pyramid`` (``[depth 0, ...]``):
    its :data:`SCALE_PERCENTILE` percentile, or its largest value when that is 0."""
    scales = []
    for feature_map in pyramid:
        values = np.asarray(feature_map, dtype=float)
        top = float(np.percentile(values, SCALE_PERCENTILE)) if values.size else 0.0
        top = top if top > 0 else float(values.max(initial=0.0))
        scales.append(top if top > 0 else 1.0)
    return scales


def scale_label(value: float) -> str:
    """A colour bar's top value in a few characters: 62, 140, 1.2k, 35k, 0.37."""
    if abs(value) >= 1000:
        thousands = value / 1000
        return f"{thousands:.1f}k" if abs(thousands) < 10 else f"{thousands:.0f}k"
    return f"{value:.3g}"


def pyramid_figure(
    pyramids: Mapping[str, Sequence[np.ndarray]],
    *,
    size: float | None = None,
    dpi: float = INLINE_DPI,
    highlight: int | None = None,
    fontsize: float = TITLE_FONTSIZE,
    title: str | None = None,
) -> Figure:
    """One row per named pyramid: the input image, then its feature map at each depth.

    ``pyramids`` maps a row name to ``[image, depth 0, depth 1, ...]``; every row must
    have the same length. The images use a grey scale from 0 to 255; each depth has a
    grey scale of its own, from 0 to the :data:`SCALE_PERCENTILE` percentile of the
    *first* row's map at that depth (brighter values are drawn white), shared by every
    row so that the rows compare, and shown in a colour bar under its column.
    ``highlight`` frames the panels of that depth in red (:func:`highlight_depth` moves
    the frame). ``title`` goes above the figure (:func:`figure_title` gives it, to change).
    ``size`` is the width of a panel in inches; by default the figure is as
    wide as a notebook's output area at ``dpi``.
    """
    names = list(pyramids)
    if not names:
        raise ValueError("no pyramid to draw")
    rows = [[np.asarray(m) for m in pyramids[name]] for name in names]
    columns = len(rows[0])
    if columns < 2 or any(len(row) != columns for row in rows):
        raise ValueError("every pyramid must hold an image and at least one feature map, all of the same length")
    line = fontsize / 72 * 1.25  # inches per line of text
    top, left = 2 * line + 0.1 + (line if title is not None else 0), line + 0.1
    size = (DISPLAY_WIDTH / dpi - left) / columns if size is None else size
    scales = [max(255.0, float(np.max(rows[0][0])))] + depth_scales(rows[0][1:])
    aspect = rows[0][0].shape[0] / rows[0][0].shape[1]
    title_rows = [r for r, row in enumerate(rows) if r == 0 or any(
        m.shape != first.shape for m, first in zip(row, rows[0]))]
    panel = size * aspect
    bar = 0.12 + 2 * line  # a colour bar and its numbers
    height = top + len(rows) * panel + (len(title_rows) - 1) * 2 * line + 0.15 + bar
    fig, axes = plt.subplots(len(rows), columns, figsize=(size * columns + left, height), dpi=dpi, squeeze=False)
    fig.subplots_adjust(left=left / (size * columns + left), right=0.995, top=1 - top / height,
                        bottom=(bar + 0.1) / height, wspace=0.08,
                        hspace=(2 * line if len(title_rows) > 1 else 0.08) / panel)
    for r, (name, row) in enumerate(zip(names, rows)):
        for c, image in enumerate(row):
            ax = axes[r, c]
            extent = (-0.5, image.shape[1] - 0.5, image.shape[0] - 0.5, -0.5)
            shown = ax.imshow(fit(image, panel_pixels(ax), "mean" if c == 0 else "max"), extent=extent,
                              cmap="gray", vmin=0, vmax=scales[c], interpolation="nearest")
            ax.set_label("image" if c == 0 else f"depth {c - 1}")
            if r in title_rows:  # a column of equal shapes is titled once
                shape = " x ".join(str(n) for n in image.shape)
                ax.set_title(f"{ax.get_label()}\n{shape}", fontsize=fontsize)
            ax.set(xticks=[], yticks=[])
            ax.grid(False)
            if r == len(rows) - 1 and c > 0:
                strip = ax.inset_axes([0.05, -0.2 / panel, 0.9, 0.11 / panel])
                colorbar = fig.colorbar(shown, cax=strip, orientation="horizontal", extend="max")
                colorbar.set_ticks([0, scales[c]], labels=["0", scale_label(scales[c])])
                colorbar.ax.tick_params(labelsize=fontsize)
                # each number stays over its own strip: the first starts at the strip's left end,
                # the last ends at its right end, so neighbouring columns' numbers never meet
                low, high = colorbar.ax.get_xticklabels()
                low.set_horizontalalignment("left")
                high.set_horizontalalignment("right")
        axes[r, 0].text(-0.04, 0.5, name, rotation=90, ha="right", va="center", fontsize=fontsize,
                        transform=axes[r, 0].transAxes, label="row name")
    if title is not None:
        fig.text(0.5, 1 - 0.05 / height, title, ha="center", va="top", fontsize=fontsize, label="title")
    for ax in axes.flat:  # the boxes of the images themselves, for the highlight frame
        ax.apply_aspect()
    fig.add_artist(Rectangle((0, 0), 0, 0, transform=fig.transFigure, fill=False, visible=False,
                             label="highlight", **_HIGHLIGHT))
    if highlight is not None:
        highlight_depth(fig, highlight)
    return fig


def update_row(fig: Figure, row: int, images: Sequence[np.ndarray], name: str | None = None) -> list[Artist]:
    """Show ``images`` (``[image, depth 0, ...]``, shaped as before) in row ``row`` of a
    :func:`pyramid_figure`, renamed ``name`` if given; returns the artists changed (for
    :class:`coursekit.LiveFigure` to redraw)."""
    panels = [ax for ax in fig.axes if ax.get_subplotspec() is not None and ax.get_subplotspec().rowspan.start == row
              and ax.images]
    if len(panels) != len(images):
        raise ValueError(f"row {row} has {len(panels)} panels, not {len(images)}")
    changed: list[Artist] = []
    for c, (ax, image) in enumerate(zip(panels, images)):
        ax.images[0].set_data(fit(np.asarray(image), panel_pixels(ax), "mean" if c == 0 else "max"))
        changed.append(ax.images[0])
    if name is not None:
        (label,) = [text for text in panels[0].texts if text.get_label() == "row name"]
        label.set_text(name)
        changed.append(label)
    return changed


def highlight_depth(fig: Figure, depth: int) -> list[Artist]:
    """Frame the panels of ``depth`` in red in a :func:`pyramid_figure` (the frame moves
    there from wherever it was); returns the frame (for :class:`coursekit.LiveFigure`)."""
    (frame,) = [a for a in fig.artists if a.get_label() == "highlight"]
    column = [ax for ax in fig.axes if ax.get_label() == f"depth {depth}"]
    if not column:
        raise ValueError(f"the figure has no panel of depth {depth}")
    boxes = [ax.get_position(original=False) for ax in column]
    x0, x1 = min(b.x0 for b in boxes), max(b.x1 for b in boxes)
    y0, y1 = min(b.y0 for b in boxes), max(b.y1 for b in boxes)
    frame.set_bounds(x0, y0, x1 - x0, y1 - y0)
    frame.set_visible(True)
    return [frame]
