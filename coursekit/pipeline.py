"""Figures for notebook 4 (the pipeline): feature pyramids side by side.

Nothing here is graded and nothing here computes features: the notebook builds the
pyramids with the student's own functions and only hands them here to be drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def pyramid_figure(
    pyramids: Mapping[str, Sequence[np.ndarray]],
    *,
    size: float = 1.7,
    highlight: int | None = None,
    share_scale: bool = True,
) -> Figure:
    """One row per named pyramid: the input image, then its feature map at each depth.

    ``pyramids`` maps a row name to ``[image, depth 0, depth 1, ...]``; every row must
    have the same length. With ``share_scale`` all feature maps of one depth use the same grey scale (from 0 to the
    largest value at that depth over all rows), so brighter means a stronger response in
    every row. ``highlight`` frames the panels of that depth in red. Panels are titled
    with their depth and shape (in the first row only, where the shapes of a column agree).
    """
    names = list(pyramids)
    if not names:
        raise ValueError("no pyramid to draw")
    rows = [[np.asarray(m) for m in pyramids[name]] for name in names]
    columns = len(rows[0])
    if any(len(row) != columns for row in rows):
        raise ValueError("every pyramid must have the same number of levels")
    tops = [max(float(np.max(row[c])) for row in rows) for c in range(columns)]
    titled_rows = [r for r, row in enumerate(rows) if r == 0 or any(
        m.shape != first.shape for m, first in zip(row, rows[0]))]
    height = 0.1 + size * 0.68 * len(rows) + 0.4 * len(titled_rows)
    fig, axes = plt.subplots(len(rows), columns, figsize=(size * columns, height), squeeze=False)
    for r, (name, row) in enumerate(zip(names, rows)):
        for c, image in enumerate(row):
            ax = axes[r, c]
            top = tops[c] if share_scale and c > 0 and tops[c] > 0 else None
            ax.imshow(image, cmap="gray", vmin=0 if top else None, vmax=top, interpolation="nearest")
            if r == 0 or image.shape != rows[0][c].shape:  # a column of equal shapes is titled once
                shape = " x ".join(str(n) for n in image.shape)
                label = "image" if c == 0 else f"depth {c - 1}"
                ax.set_title(f"{label}\n{shape}", fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if highlight is not None and c == highlight + 1:
                for spine in ax.spines.values():
                    spine.set_edgecolor("red")
                    spine.set_linewidth(3)
        axes[r, 0].set_ylabel(name, fontsize=9)
    # fixed margins instead of tight_layout: much faster, which matters in a live widget
    fig.subplots_adjust(left=0.04, right=0.99, bottom=0.05 / height, top=1 - 0.4 / height, wspace=0.12,
                        hspace=0.1 if len(titled_rows) == 1 else 0.5)
    return fig
