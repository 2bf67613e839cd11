"""Interactive figures: controls (sliders, dropdowns) above a figure that is redrawn
whenever a control changes.

The figure is sent to the browser as a picture inside an ``ipywidgets.Image``, not through
``ipywidgets.interact``'s Output widget: redrawing an image is smoother, and headless
executors such as nbclient (which nbgrader uses) stall on large figures printed into an
Output widget, because they emulate that widget by sending messages on the channel they
are waiting on.

A live figure is fast when it is drawn once and then only *changed*: the draw function
updates the data of its images (``set_data``) and returns the artists it changed; only
those are drawn again, over a saved picture of the rest of the figure (Matplotlib's
blitting), and the canvas is encoded as a JPEG by OpenCV, without Matplotlib's
``savefig``. Text that changes with the controls (a measured distance, the current
shift) is best returned as a *caption*, a string shown as text above the picture: the
browser draws it, while Matplotlib 3.11 takes 13 to 18 ms to draw one line of text into
the picture, a third of an update's time.
"""

from __future__ import annotations

import html
import io
import statistics
import time
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable
from typing import Any

import cv2
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import AxesImage, FigureImage

from coursekit.plotting import LIVE_DPI

#: JPEG quality of a live figure's picture: at 90, without chroma subsampling, text and lines
#: look as in the PNG at the figure's size.
JPEG_QUALITY = 90

#: What a draw function must return, for its error messages.
_DRAW_RETURNS = "draw must return a Figure, or the artists it changed (at least one), all of one figure"

#: What a draw function of a :class:`LiveFigure` returns: a figure to show in full, or
#: the artists it changed in the figure on show, with any strings among them shown as the
#: caption above the figure (one line each).
Drawn = Figure | Iterable[Artist | str]


def figure_png(fig: Figure, dpi: int = LIVE_DPI) -> bytes:
    """Render ``fig`` to PNG bytes and close it (so it is not also shown inline).

    Light PNG compression: encoding is the largest part of a redraw, and the image only
    travels to a browser on the same machine or network.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", pil_kwargs={"compress_level": 1})
    plt.close(fig)
    return buffer.getvalue()


def canvas_jpeg(canvas: FigureCanvasAgg, quality: int = JPEG_QUALITY) -> bytes:
    """The canvas as it was last drawn, as JPEG bytes, without chroma subsampling (4:4:4),
    so that thin coloured lines and text stay sharp. Encoding takes under 2 ms for a
    three-panel figure, where the fastest PNG takes 6 ms (and 60 % more bytes to send)."""
    bgr = cv2.cvtColor(np.asarray(canvas.buffer_rgba()), cv2.COLOR_RGBA2BGR)
    ok, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality,
                                          cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444])
    if not ok:
        raise RuntimeError("OpenCV could not encode the figure as JPEG")
    return jpeg.tobytes()


def paste_figure_image(canvas: FigureCanvasAgg, image: FigureImage) -> bool:
    """Copy an RGB(A) byte picture placed with ``fig.figimage(..., origin="upper")``
    straight into the canvas's pixels (what Matplotlib draws for it, unscaled). Returns
    False (nothing drawn) for any other kind of picture."""
    data = np.asarray(image.get_array())
    if (image.origin != "upper" or data.dtype != np.uint8 or data.ndim != 3 or data.shape[2] not in (3, 4)
            or image.get_alpha() not in (None, 1) or image.get_clip_path() is not None):
        return False
    pixels = np.asarray(canvas.buffer_rgba())
    height, width = pixels.shape[:2]
    top, left = height - int(image.oy) - data.shape[0], int(image.ox)
    rows, columns = slice(max(top, 0), min(top + data.shape[0], height)), slice(max(left, 0), min(left + data.shape[1], width))
    part = data[rows.start - top:rows.stop - top, columns.start - left:columns.stop - left]
    pixels[rows, columns, :3] = part[..., :3]
    pixels[rows, columns, 3] = 255 if data.shape[2] == 3 else part[..., 3]
    return True


def paste_image(canvas: FigureCanvasAgg, image: AxesImage) -> bool:
    """Draw ``image`` (an ``imshow`` with nearest-neighbour interpolation, as the course's
    figures use) straight into the canvas's pixels: each pixel of its box takes the colour
    of the data value under its centre, which is what Matplotlib draws, without
    Matplotlib's general resampling. Returns False (nothing drawn) for any other kind of
    image, which is then drawn by Matplotlib."""
    ax = image.axes
    data = image.get_array()
    if (ax is None or image.get_interpolation() != "nearest" or image.origin != "upper" or data is None
            or data.ndim != 2 or image.get_clip_path() is not None or image.get_alpha() not in (None, 1)):
        return False
    left, right, bottom, top = image.get_extent()
    (x0, y0), (x1, y1) = ax.transData.transform([(left, top), (right, bottom)])
    clip = ax.bbox
    pixels = np.asarray(canvas.buffer_rgba())
    height = pixels.shape[0]
    # display y grows upwards, buffer rows downwards
    columns = np.arange(max(int(np.ceil(min(x0, x1) - 0.5)), int(clip.x0)), min(int(np.ceil(max(x0, x1) - 0.5)), int(clip.x1)))
    rows = np.arange(max(int(np.ceil(height - max(y0, y1) - 0.5)), int(height - clip.y1)),
                     min(int(np.ceil(height - min(y0, y1) - 0.5)), int(height - clip.y0)))
    if columns.size == 0 or rows.size == 0:
        return True
    source_columns = ((columns + 0.5 - x0) / (x1 - x0) * data.shape[1]).astype(int).clip(0, data.shape[1] - 1)
    source_rows = ((rows + 0.5 - (height - y0)) / (y0 - y1) * data.shape[0]).astype(int).clip(0, data.shape[0] - 1)
    colours = image.to_rgba(np.asarray(data)[np.ix_(source_rows, source_columns)], bytes=True)
    pixels[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1] = colours
    return True


@dataclass
class _Shown:
    """A figure a :class:`LiveFigure` draws: its canvas, the artists that change, and a
    picture of everything else (``None`` until drawn)."""

    canvas: FigureCanvasAgg
    animated: list[Artist] = field(default_factory=list)
    background: Any = None


class LiveFigure(widgets.VBox):
    """Controls above a figure that ``draw(**values)`` keeps up to date.

    ``draw`` either returns a :class:`~matplotlib.figure.Figure`, which is then drawn in
    full, or changes artists of a figure made once (``image.set_data(...)``) and returns
    those artists: only they are drawn again, over a saved picture of the rest of their
    figure. Strings among the returned values are the caption, shown as text between the
    controls and the figure (one line per string; no string, no caption). A draw function
    that returns a new figure at every call still works, only slower. Example::

        fig = image_figure([photo, photo], ["original", "shifted"])
        shown = fig.axes[1].images[0]

        def draw(dy, dx):
            moved = translate(photo, dy, dx)
            shown.set_data(moved)
            return [shown, f"distance to the original: {image_distance(photo, moved):,.0f}"]

        LiveFigure(draw, dy=widgets.IntSlider(0, -50, 50), dx=widgets.IntSlider(0, -50, 50))

    Artists may come from several figures made in advance (one per layout, say), one
    figure per call. ``last_update_seconds`` holds how long the last update took in the
    kernel (computing, drawing and JPEG encoding).
    """

    def __init__(self, draw: Callable[..., Drawn], *, dpi: int = LIVE_DPI, **controls: widgets.ValueWidget):
        if not callable(draw):
            raise TypeError(f"draw must be a function that returns a figure or artists, not {type(draw).__name__}")
        for name, control in controls.items():
            if not isinstance(control, widgets.ValueWidget):
                raise TypeError(f"control {name!r} must be an ipywidgets control (IntSlider, Dropdown...), "
                                f"not {type(control).__name__}")
        self._draw = draw
        self._dpi = dpi
        self._shown: dict[int, _Shown] = {}  # by id() of the figure
        self.controls = controls
        self.image = widgets.Image(format="jpeg")
        self.caption = widgets.HTML(layout=widgets.Layout(display="none"))
        self.last_update_seconds = float("nan")
        for control in controls.values():
            control.observe(self.update, names="value")
        super().__init__([widgets.HBox(list(controls.values())), self.caption, self.image])
        self.update()

    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, _change: object = None) -> None:
        """Bring the figure up to date with the controls' current values."""
        start = time.perf_counter()
        shown, caption = self._render(self.values())
        self.image.value = canvas_jpeg(shown.canvas)
        self._show_caption(caption)
        self.last_update_seconds = time.perf_counter() - start

    def time_updates(self, name: str, moves: int = 5) -> tuple[float, int]:
        """What a move of the control ``name`` costs: the median time of ``moves`` updates, each
        one step of that control (a slider's next values, a dropdown's next options), the first
        draw of the figure not counted (it draws the whole figure; a move redraws what changed).
        The control is put back where it was. Returns (seconds, number of updates timed)."""
        if name not in self.controls:
            raise ValueError(f"no control named {name!r}; the controls are {', '.join(self.controls)}")
        if moves < 1:
            raise ValueError(f"moves must be at least 1, not {moves}")
        control = self.controls[name]
        start = control.value
        if hasattr(control, "options"):
            options = [o[1] if isinstance(o, tuple) else o for o in control.options]
            at = options.index(start)
            values = [options[(at + k) % len(options)] for k in range(1, moves + 1)]
        else:
            step = getattr(control, "step", 1) or 1
            low, high = getattr(control, "min", start), getattr(control, "max", start)
            direction = step if start + step * moves <= high else -step
            values = [start + direction * k for k in range(1, moves + 1)]
            values = [min(max(v, low), high) for v in values]
        times = []
        try:
            for value in values:
                control.value = value   # observed: update() runs
                times.append(self.last_update_seconds)
        finally:
            control.value = start
        return statistics.median(times), len(times)

    def update_time_line(self, name: str, moves: int = 5) -> str:
        """A line saying what a move of the control ``name`` costs (:meth:`time_updates`)."""
        seconds, count = self.time_updates(name, moves)
        return (f"one move of the {name} control redraws the figure in {seconds * 1000:.0f} ms "
                f"(median of {count} moves, after the first draw)")

    def prepare(self, **values: Any) -> None:
        """Draw the figure for these control values (the others as they are) without
        showing it: a draw function that makes a figure the first time a value needs it
        (one layout per number of levels, say) then answers that value as quickly as any
        other. What is on show does not change."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"no control named {', '.join(sorted(unknown))}; the controls are {', '.join(self.controls)}")
        self._render({**self.values(), **values})

    def _render(self, values: dict[str, Any]) -> tuple[_Shown, list[str]]:
        """Call the draw function and draw what it changed; the canvas and the caption."""
        drawn = self._draw(**values)
        if isinstance(drawn, Figure):
            shown = self._adopt(drawn)
            shown.canvas.draw()
            return shown, []
        if isinstance(drawn, (str, bytes)) or not isinstance(drawn, Iterable):
            raise TypeError(f"{_DRAW_RETURNS}, not {type(drawn).__name__}")
        drawn = list(drawn)
        caption = [item for item in drawn if isinstance(item, str)]
        return self._blit([item for item in drawn if not isinstance(item, str)]), caption

    def _show_caption(self, lines: list[str]) -> None:
        self.caption.value = "<br>".join(html.escape(line) for line in lines)
        self.caption.layout.display = None if lines else "none"

    def _adopt(self, fig: Figure) -> _Shown:
        """The drawing state of ``fig``, made on first use: an Agg canvas of its own at this
        widget's resolution, and out of pyplot's list of figures (so that it is not also
        shown below the cell)."""
        if id(fig) not in self._shown:
            plt.close(fig)
            fig.set_dpi(self._dpi)
            self._shown[id(fig)] = _Shown(FigureCanvasAgg(fig))
        return self._shown[id(fig)]

    def _blit(self, changed: list[Artist]) -> _Shown:
        """Draw the changing artists over the saved picture of the rest of their figure."""
        figures = {id(a.get_figure(root=True)): a.get_figure(root=True) for a in changed if isinstance(a, Artist)}
        if len(figures) != 1 or not all(isinstance(a, Artist) for a in changed):
            raise TypeError(_DRAW_RETURNS)
        (fig,) = figures.values()
        if fig is None:
            raise TypeError("draw returned artists that are not in any figure")
        shown = self._adopt(fig)
        if shown.background is None or any(a not in shown.animated for a in changed):
            # an artist that did not change before: draw everything else once more and keep that picture
            shown.animated = list(dict.fromkeys(shown.animated + changed))
            for artist in shown.animated:
                artist.set_animated(True)
            shown.canvas.draw()
            shown.background = shown.canvas.copy_from_bbox(fig.bbox)
        else:
            shown.canvas.restore_region(shown.background)
        for artist in shown.animated:  # the saved picture has none of them
            if isinstance(artist, AxesImage) and paste_image(shown.canvas, artist):
                continue
            if isinstance(artist, FigureImage) and paste_figure_image(shown.canvas, artist):
                continue
            fig.draw_artist(artist)
        return shown
