"""Interactive figures: controls (sliders, dropdowns) above a figure that is redrawn
whenever a control changes.

The figure is sent to the browser as a PNG inside an ``ipywidgets.Image``, not through
``ipywidgets.interact``'s Output widget: redrawing an image is smoother, and headless
executors such as nbclient (which nbgrader uses) stall on large figures printed into an
Output widget, because they emulate that widget by sending messages on the channel they
are waiting on.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure


def figure_png(fig: Figure, dpi: int = 80) -> bytes:
    """Render ``fig`` to PNG bytes and close it (so it is not also shown inline).

    Light PNG compression: encoding is the largest part of a redraw, and the image only
    travels to a browser on the same machine or network.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", pil_kwargs={"compress_level": 1})
    plt.close(fig)
    return buffer.getvalue()


class LiveFigure(widgets.VBox):
    """``draw(**values)`` returns a figure; it is redrawn each time a control changes.

    Example::

        LiveFigure(lambda dy, dx: image_figure([translate(photo, dy, dx)]),
                   dy=widgets.IntSlider(0, -50, 50), dx=widgets.IntSlider(0, -50, 50))

    ``last_update_seconds`` holds how long the last redraw took (drawing and PNG encoding),
    which is what a student waits for after moving a slider.
    """

    def __init__(self, draw: Callable[..., Figure], *, dpi: int = 80, **controls: widgets.ValueWidget):
        self._draw = draw
        self._dpi = dpi
        self.controls = controls
        self.image = widgets.Image(format="png")
        self.last_update_seconds = float("nan")
        for control in controls.values():
            control.observe(self.update, names="value")
        super().__init__([widgets.HBox(list(controls.values())), self.image])
        self.update()

    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, _change: object = None) -> None:
        """Redraw the figure with the controls' current values."""
        start = time.perf_counter()
        self.image.value = figure_png(self._draw(**self.values()), self._dpi)
        self.last_update_seconds = time.perf_counter() - start
