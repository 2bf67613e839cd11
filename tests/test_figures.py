"""Figures readable at the size they are shown, and live figures that redraw only what
changes yet show exactly what a full redraw shows."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import cv2  # noqa: E402
import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursekit import LiveFigure, image_figure, load_photo  # noqa: E402
from coursekit.widgets import canvas_jpeg  # noqa: E402
from coursekit.filters import panel_figure  # noqa: E402
from coursekit.pipeline import highlight_depth, pyramid_figure, update_row  # noqa: E402
from coursekit.plotting import INLINE_DPI, LIVE_DPI, MIN_TEXT_PT, figure_title, fit, smallest_text  # noqa: E402
from coursekit.pooling import pyramid_figure as pooling_pyramid  # noqa: E402


def feature_pyramid(image: np.ndarray, depth: int = 6) -> list[np.ndarray]:
    """Stand-in for notebook 4's pipeline: |horizontal difference|, then 2 x 2 max pools."""
    level = np.abs(np.diff(image.astype(float), axis=1))[:-1, :]
    maps = [level]
    for _ in range(depth):
        h, w = maps[-1].shape[0] // 2, maps[-1].shape[1] // 2
        maps.append(maps[-1][:2 * h, :2 * w].reshape(h, 2, w, 2).max(axis=(1, 3)))
    return maps


def displayed(live: LiveFigure) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(bytes(live.image.value), np.uint8), cv2.IMREAD_COLOR)[..., ::-1]


def full_redraw(fig) -> np.ndarray:
    """The figure drawn in full, as the browser would see it (encoded as a live figure is)."""
    for artist in fig.findobj():
        artist.set_animated(False)
    fig.canvas.draw()
    return cv2.imdecode(np.frombuffer(canvas_jpeg(fig.canvas), np.uint8), cv2.IMREAD_COLOR)[..., ::-1]


def test_smallest_text_measures_points_on_screen():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_title("title", fontsize=12)
    ax.set(xticks=[], yticks=[])
    assert smallest_text(fig, dpi=96) == (12.0, "title")
    assert smallest_text(fig, dpi=48)[0] == 6.0
    # 800 px wide at 200 dpi, shown in 400 px: half the size
    assert smallest_text(fig, dpi=200, display_width=400)[0] == pytest.approx(12.5)
    with pytest.raises(ValueError, match="positive"):
        smallest_text(fig, dpi=0)
    plt.close(fig)


def test_the_course_figures_have_no_text_under_9_points():
    coffee = load_photo("coffee")
    pyramid = feature_pyramid(coffee)
    figures = {
        "image_figure": (image_figure([coffee, coffee, coffee], ["a", "b", "c"], size=2.9, colorbar=True),
                         INLINE_DPI),
        "pipeline pyramid (inline)": (pyramid_figure({"coffee": [coffee] + pyramid}), INLINE_DPI),
        "pipeline pyramid (live)": (pyramid_figure({"a": [coffee] + pyramid, "b": [coffee] + pyramid},
                                                   dpi=LIVE_DPI, title=""), LIVE_DPI),
        "pooling pyramid (live)": (pooling_pyramid([pyramid[:6], pyramid[:6]], ["a", "b"], size=1.75,
                                                   fontsize=11, title="\n"), LIVE_DPI),
        "panel_figure (live)": (panel_figure([pyramid[0]] * 3, ["a", "b", "c"], limit=100), LIVE_DPI),
    }
    for name, (fig, dpi) in figures.items():
        points, text = smallest_text(fig, dpi)
        assert points >= MIN_TEXT_PT, f"{name}: {text!r} is {points:.1f} pt on screen"
    plt.close("all")


def test_feature_maps_are_not_drawn_almost_black():
    """Each depth has its own grey scale (a high percentile of the reference's map), and a
    map larger than its panel keeps each block's largest value: the edges stay visible."""
    coffee = load_photo("coffee")
    pyramid = feature_pyramid(coffee)
    fig = pyramid_figure({"coffee": [coffee] + pyramid})
    for depth in (0, 1, 2):
        (ax,) = [a for a in fig.axes if a.get_label() == f"depth {depth}"]
        shown = ax.images[0]
        brightness = shown.norm(shown.get_array()).mean()
        assert brightness > 0.1, f"depth {depth} is drawn almost black ({brightness:.2f} of white on average)"
    photo = [a for a in fig.axes if a.get_label() == "image"][0].images[0]
    assert photo.norm.vmax == 255  # the photo on its own scale, not a feature map's
    plt.close(fig)


def test_fit_keeps_thin_lines_when_it_shrinks_with_max():
    image = np.zeros((100, 100))
    image[:, 37] = 1.0  # a one-pixel line
    assert fit(image, (20, 20), "max").max() == 1.0
    assert fit(image, (20, 20), "max").shape == (20, 20)
    assert fit(image, (200, 200)) is image or np.array_equal(fit(image, (200, 200)), image)
    with pytest.raises(ValueError, match="how"):
        fit(image, (20, 20), "median")


@pytest.fixture
def live_pyramid():
    coffee = load_photo("coffee")
    reference = feature_pyramid(coffee)
    fig = pyramid_figure({"reference": [coffee] + reference, "shifted": [coffee] + reference}, dpi=LIVE_DPI,
                         title="")
    calls = []

    def draw(dx, depth):
        calls.append((dx, depth))
        moved = np.roll(coffee, dx, axis=1)
        title = figure_title(fig)
        title.set_text(f"dx = {dx}, depth {depth}")
        return [*update_row(fig, 1, [moved] + feature_pyramid(moved), f"shifted {dx}"), title,
                *highlight_depth(fig, depth)]

    live = LiveFigure(draw, dx=widgets.IntSlider(value=0, min=-50, max=50), depth=widgets.IntSlider(3, 0, 6))
    yield live, fig, calls
    plt.close(fig)


def test_live_figure_redraws_only_the_changes_and_shows_the_same_as_a_full_redraw(live_pyramid):
    live, fig, calls = live_pyramid
    first = bytes(live.image.value)
    for dx in (7, 8, -20):
        live.controls["dx"].value = dx
    live.controls["depth"].value = 5
    assert calls == [(0, 3), (7, 3), (8, 3), (-20, 3), (-20, 5)]
    assert bytes(live.image.value) != first
    blitted = displayed(live)
    full = full_redraw(fig)
    assert blitted.shape == full.shape
    differing = (np.abs(blitted.astype(int) - full).max(axis=2) > 16).mean()
    assert differing < 0.01, f"{differing:.1%} of the pixels differ from a full redraw"


def test_live_figure_accepts_a_new_figure_at_every_call_and_rejects_other_values():
    live = LiveFigure(lambda n: image_figure([np.eye(4) * n], [f"n = {n}"]), n=widgets.IntSlider(1, 0, 5))
    first = bytes(live.image.value)
    live.controls["n"].value = 3
    assert bytes(live.image.value) != first and live.last_update_seconds > 0
    with pytest.raises(TypeError, match="artists"):
        LiveFigure(lambda n: [42], n=widgets.IntSlider(1, 0, 5))
    with pytest.raises(TypeError, match="control"):
        LiveFigure(lambda n: None, n=3)
    plt.close("all")


def test_live_panel_figure_updates_show_the_same_as_a_full_redraw():
    from coursekit.filters import update_panels

    rng = np.random.default_rng(0)
    images = [rng.normal(0, 100, (60, 80)) for _ in range(3)]
    fig = panel_figure(images, ["a", "b", "c"], limit=200)

    def draw(n):
        return update_panels(fig, [image * n for image in images], ["a", "b", f"c = {n}"])

    live = LiveFigure(draw, n=widgets.IntSlider(1, 0, 5))
    live.controls["n"].value = 3
    assert (np.abs(displayed(live).astype(int) - full_redraw(fig)).max(axis=2) > 16).mean() < 0.01
    with pytest.raises(ValueError, match="shape"):
        update_panels(fig, [images[0][:10]] * 3)
    plt.close("all")


def test_live_figure_shows_returned_strings_as_an_escaped_caption():
    fig = image_figure([np.eye(4)], ["eye"])
    shown = fig.axes[0].images[0]

    def draw(n, words):
        shown.set_data(np.eye(4) * n)
        return [shown, f"n = {n}", words] if words else [shown]

    live = LiveFigure(draw, n=widgets.IntSlider(1, 0, 5), words=widgets.Text("a < b & 'c'"))
    assert live.caption.value == "n = 1<br>a &lt; b &amp; &#x27;c&#x27;"
    assert live.caption.layout.display is None          # on show
    live.controls["words"].value = ""
    assert live.caption.layout.display == "none"        # nothing to say: no empty line above the figure
    assert live.children[1] is live.caption and live.children[2] is live.image
    with pytest.raises(TypeError, match="not str"):
        LiveFigure(lambda n: "only a caption", n=widgets.IntSlider(1, 0, 5))
    plt.close("all")


def test_prepare_draws_a_layout_ahead_without_changing_what_is_shown():
    made = {}

    def layout(size):
        if size not in made:
            made[size] = image_figure([np.zeros((size, size))], [f"{size} x {size}"])
        return made[size].axes[0].images[0]

    def draw(size, value):
        shown = layout(size)
        shown.set_data(np.full((size, size), value))
        return [shown, f"{size} x {size} of {value}"]

    live = LiveFigure(draw, size=widgets.IntSlider(4, 2, 8), value=widgets.IntSlider(1, 0, 9))
    picture, caption = bytes(live.image.value), live.caption.value
    for size in (2, 8):
        live.prepare(size=size)
    assert set(made) == {2, 4, 8}
    assert (bytes(live.image.value), live.caption.value) == (picture, caption)
    live.controls["size"].value = 8
    assert live.caption.value == "8 x 8 of 1" and bytes(live.image.value) != picture
    with pytest.raises(ValueError, match="no control named depth"):
        live.prepare(depth=3)
    plt.close("all")


#: Tests that run a solution notebook in this process (a minute or two each): on one test worker,
#: so that each notebook runs once.
NOTEBOOK_RUNS = pytest.mark.xdist_group("notebook-figures")


def run_notebook(name: str) -> dict[str, dict]:
    """Every code cell of the solution notebook ``name`` run in this process, as the lab runs
    them (figures drawn with Agg, widgets built but not shown): per cell grade_id (or id), the
    figures it made, what it printed, and the namespace afterwards."""
    import contextlib
    import io
    from unittest import mock

    import nbformat

    from conftest import ROOT

    nb = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    namespace: dict = {"display": lambda *a, **k: None, "__name__": "__main__"}
    cells: dict[str, dict] = {}
    # the notebook's style settings (seaborn's theme...) stay inside: the other tests see the defaults
    with matplotlib.rc_context(), mock.patch.object(plt, "show", lambda *a, **k: None), \
            mock.patch("IPython.display.display", namespace["display"]):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            before = set(plt.get_fignums())
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(cell.source, f"<{cell.id}>", "exec"), namespace)
            key = cell.metadata.get("nbgrader", {}).get("grade_id", cell.id)
            cells[key] = {"figures": [plt.figure(n) for n in sorted(set(plt.get_fignums()) - before)],
                          "printed": printed.getvalue(), "namespace": namespace}
    return cells


@pytest.fixture(scope="module")
def learned_run():
    yield run_notebook("05_learned")
    plt.close("all")


@pytest.fixture(scope="module")
def pipeline_run():
    yield run_notebook("04_pipeline")
    plt.close("all")


def _saved(fig, name: str):
    """``fig`` also written to artifacts/figures/NAME.png, to look at."""
    from conftest import ROOT

    folder = ROOT / "artifacts" / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{name}.png")
    return fig


def _text_overlaps(texts, renderer) -> list[tuple[str, str]]:
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text() and t.get_visible()]
    return [(a, b) for i, (a, box) in enumerate(boxes) for b, other in boxes[i + 1:] if box.overlaps(other)]


@NOTEBOOK_RUNS
def test_notebook_5_consistency_legend_covers_no_line(learned_run):
    (fig,) = learned_run["display_consistency_plot"]["figures"]
    _saved(fig, "05_consistency")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (ax,) = [a for a in fig.axes if a.get_legend() is not None]
    legend = ax.get_legend().get_window_extent(renderer)
    points = np.concatenate([ax.transData.transform(line.get_xydata()) for line in ax.get_lines()
                             if len(line.get_xydata())])
    inside = (points[:, 0] >= legend.x0) & (points[:, 0] <= legend.x1) & (points[:, 1] >= legend.y0) & \
        (points[:, 1] <= legend.y1)
    assert not inside.any(), f"{inside.sum()} plotted points under the legend"
    assert not legend.overlaps(ax.get_window_extent(renderer)), "the legend lies over the plot"
    assert legend.x1 <= fig.bbox.x1 + 1, "the legend is cut off at the figure's edge"


@NOTEBOOK_RUNS
def test_notebook_5_stride_heatmap_scale_reaches_the_largest_value(learned_run):
    (fig,) = learned_run["display_stride_heatmap"]["figures"]
    _saved(fig, "05_stride_heatmap")
    meshes = [c for ax in fig.axes if ax.get_label() != "<colorbar>" for c in ax.collections
              if hasattr(c, "get_clim") and c.get_array() is not None]
    assert len(meshes) == 2, meshes
    largest = max(float(np.max(m.get_array())) for m in meshes)
    assert largest > 1, "the data no longer exceeds 1: the test lost its point"
    for mesh in meshes:
        low, high = mesh.get_clim()
        assert low <= float(np.min(mesh.get_array())) and high >= largest, (mesh.get_clim(), largest)


@NOTEBOOK_RUNS
def test_notebook_5_weight_sharing_table_orders_shifts_by_number(learned_run):
    table = learned_run["display_weight_sharing"]["namespace"]["weight_sharing_table"]
    shifts = [tuple(int(v) for v in label.strip("()").split(",")) for label in table.columns]
    assert shifts == sorted(shifts, key=lambda s: (abs(s[0]) + abs(s[1]), s)) and len(shifts) == 3
    printed = learned_run["display_weight_sharing"]["printed"].splitlines()[0]
    assert printed.index("(0, 1)") < printed.index("(3, 5)") < printed.index("(16, 16)")


@NOTEBOOK_RUNS
@pytest.mark.parametrize("cell, control", [("display_padding_explorer", "col")])
def test_notebook_5_prints_what_a_slider_move_costs(learned_run, cell, control):
    printed = learned_run[cell]["printed"]
    assert re.search(rf"one move of the {control} control redraws the figure in \d+ ms \(median of 5 moves, "
                     r"after the first draw\)", printed), printed


@NOTEBOOK_RUNS
def test_notebook_4_colour_bar_numbers_do_not_collide(pipeline_run):
    figures = [f for cell in pipeline_run.values() for f in cell["figures"]]
    checked = 0
    for number, fig in enumerate(figures):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        labels = [t for ax in fig.axes for child in ax.child_axes for t in child.get_xticklabels()]
        if labels:
            checked += 1
            _saved(fig, f"04_colour_bars_{number}")
            assert _text_overlaps(labels, renderer) == []
            boxes = sorted((t.get_window_extent(renderer) for t in labels if t.get_text()), key=lambda b: b.x0)
            gaps = [b.x0 - a.x1 for a, b in zip(boxes, boxes[1:]) if abs(a.y0 - b.y0) < 1]
            assert min(gaps) >= 4, f"colour-bar numbers {min(gaps):.0f} px apart"
    assert checked >= 1
    assert re.search(r"one move of the dx control redraws the figure in \d+ ms",
                     pipeline_run["display_pipeline_44"]["printed"])


def test_time_updates_times_moves_after_the_first_draw_and_puts_the_control_back():
    fig, ax = plt.subplots(figsize=(3, 2))
    shown = ax.imshow(np.zeros((8, 8)), vmin=0, vmax=1)
    calls = []

    def draw(x, kind):
        calls.append((x, kind))
        shown.set_data(np.full((8, 8), x / 10))
        return [shown]

    live = LiveFigure(draw, x=widgets.IntSlider(value=9, min=0, max=10), kind=widgets.Dropdown(options=["a", "b"]))
    first = len(calls)
    seconds, count = live.time_updates("x", moves=4)
    assert count == 4 and seconds > 0 and live.controls["x"].value == 9
    assert [x for x, _ in calls[first:first + 4]] == [8, 7, 6, 5]   # away from the end it would pass
    assert live.time_updates("kind", moves=3)[1] == 3 and live.controls["kind"].value == "a"
    assert re.fullmatch(r"one move of the x control redraws the figure in \d+ ms \(median of 5 moves, after the "
                        r"first draw\)", live.update_time_line("x"))
    with pytest.raises(ValueError, match="no control named 'y'"):
        live.time_updates("y")
    plt.close(fig)
