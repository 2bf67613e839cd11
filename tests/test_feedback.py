"""Feedback as an instructor makes it in the middle of a term, through the real commands: a tiny
class where one assignment was handed in (one student late, one with written answers only half
graded) and the next one by nobody yet.

The graded class (:func:`graded_class`) is shared with ``test_export.py``."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import cellplan, course, demo, feedback, notebooks
from conftest import ROOT, copy_course

pytestmark = pytest.mark.xdist_group("tiny-class")

GRADED, NOT_HANDED_IN = "01_translation", "02_equivariance"
DUE = "2026-10-05 17:00:00 UTC"
LATE = "2026-10-07 05:00:00.000000 UTC"   # a day and a half late: 2 started days
WRITTEN_GRADED, WRITTEN_PENDING = "written_one_pixel_answer", "written_modes_answer"
CHROMIUM = Path("/usr/bin/chromium")


def run(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    """``python -m autograder ARGS``, as the README writes it."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], env=course.nbgrader_env(),
                          capture_output=True, text=True, timeout=timeout, check=False)


def _answered(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if course.nbgrader_meta(cell).get("grade_id") in (WRITTEN_GRADED, WRITTEN_PENDING):
            cell.source = "A person sees the same rocket; the computer compares pixel by pixel. " * 3
    return nb


def _with_display_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A cell that only draws, tagged display-only (grading may skip such cells: then it has no
    output, as this one has none, because grading draws no figures), and a figure of the
    student's own, untagged (it runs: its undrawn figure becomes a note)."""
    nb.cells.append(nbformat.v4.new_code_cell('show_images([coffee], ["my own look at the photo"])', id="own-figure"))
    nb.cells.append(nbformat.v4.new_code_cell('show_images([pixel], ["once more"])', id="only-draws",
                                              metadata={"tags": [feedback.DISPLAY_TAG]}))
    return nb


_CLASS: dict = {}


def build_graded_class(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The graded class, made once per test process (``test_export.py`` uses it too; both
    modules run in the same process, in the xdist group "tiny-class"). Two assignments, ``ada`` (all correct, late) and ``cy`` (some mistakes, written answers,
    one of them graded by hand) handed in the first; nobody the second. Gradebook at a URL of
    its own, given with ``--db`` to every command. Graded, hand-graded, then ``feedback``."""
    if _CLASS:
        return _CLASS
    root = copy_course(tmp_path_factory.mktemp("tiny") / "course")
    for assignment in course.assignments(root):
        if assignment not in (GRADED, NOT_HANDED_IN):
            for folder in (course.SOURCE, course.RELEASE):
                subprocess.run(["rm", "-rf", str(root / folder / assignment)], check=True)
    db_url = f"sqlite:///{root / 'elsewhere.db'}"
    for student in ("ada", "cy"):
        folder = root / course.SUBMITTED / student / GRADED
        folder.mkdir(parents=True)
        nb = nbformat.reads((demo.DEMO / "submitted" / student / GRADED / f"{GRADED}.ipynb").read_text("utf-8"), 4)
        nb = _with_display_cell(nb) if student == "ada" else _answered(nb)
        notebooks.write(nb, folder / f"{GRADED}.ipynb")
    (root / course.SUBMITTED / "ada" / GRADED / "timestamp.txt").write_text(LATE + "\n", encoding="utf-8")
    # the due date, set as the README says
    due = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "db", "assignment", "add", GRADED,
                          f"--duedate={DUE}", f"--db={db_url}"], cwd=root, env=course.nbgrader_env(),
                         capture_output=True, text=True, timeout=300, check=False)
    assert due.returncode == 0, due.stderr[-3000:]
    graded = run("--course", str(root), "grade", "--db", db_url, "--quiet", "-j", "2")
    assert graded.returncode == 0, graded.stderr[-3000:]
    with Gradebook(db_url) as gradebook:   # the instructor grades one of cy's two written answers
        grade = gradebook.find_grade(WRITTEN_GRADED, GRADED, GRADED, "cy")
        assert grade.auto_score is None and grade.needs_manual_grade   # answered: waits for a grader
        grade.manual_score = 2.0
        gradebook.db.commit()
    made = run("--course", str(root), "feedback", "--db", db_url)
    _CLASS.update(root=root, db=db_url, feedback=made)
    return _CLASS


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return build_graded_class(tmp_path_factory)


def page(root: Path, student: str) -> str:
    return (root / "feedback" / student / GRADED / f"{GRADED}.html").read_text(encoding="utf-8")


def test_feedback_does_not_stop_at_an_assignment_nobody_handed_in(graded_class: dict):
    made = graded_class["feedback"]
    assert made.returncode == 0, made.stderr[-3000:]
    assert f"{NOT_HANDED_IN}: no graded submission yet, no feedback" in made.stdout
    pages = sorted(p.relative_to(graded_class["root"] / "feedback") for p in
                   (graded_class["root"] / "feedback").rglob("*.html"))
    assert [str(p) for p in pages] == [f"ada/{GRADED}/{GRADED}.html", f"cy/{GRADED}/{GRADED}.html"]
    assert all(f"wrote {graded_class['root'] / 'feedback' / p}" in made.stdout for p in pages)


def test_feedback_hides_the_hidden_tests_source(graded_class: dict):
    hidden = [course.nbgrader_meta(c)["grade_id"] for c in
              nbformat.read(ROOT / course.SOURCE / GRADED / f"{GRADED}.ipynb", as_version=4).cells
              if "BEGIN HIDDEN TESTS" in c.source]
    assert hidden, "the assignment has hidden tests"
    for student in ("ada", "cy"):
        html = page(graded_class["root"], student)
        assert "translate(image, 1, 2)" in html or "test_translate_basic" in html   # the visible tests are shown
        for secret in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "_reference_"):
            assert secret not in html, f"{student}'s feedback shows hidden test source ({secret!r})"


def test_widgets_and_undrawn_figures_become_one_line_notes(graded_class: dict):
    html = page(graded_class["root"], "ada")
    assert "LiveFigure(children=" not in html   # no widget's text repr
    # every cell that draws a figure says it was not drawn (none was: grading encodes no PNG)
    nb = nbformat.read(graded_class["root"] / "autograded" / "ada" / GRADED / f"{GRADED}.ipynb", as_version=4)
    display = [c for c in nb.cells if feedback.DISPLAY_TAG in c.metadata.get("tags", [])]
    drawing = [c for c in nb.cells if c.cell_type == "code" and feedback.draws_figure(c.source)
               and feedback.DISPLAY_TAG not in c.metadata.get("tags", [])]
    assert drawing and len(display) >= 4
    assert not any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert html.count(feedback.FIGURE_NOTE) >= len(drawing)   # and cells that showed a figure's text repr
    assert "data:image/png" not in html
    # the display-only cells that grading skipped (or that show nothing here) say so, once each
    skipped = [c for c in display if all(cellplan.SKIP_NOTE in str(o.get("text", "")) for o in c.get("outputs", []))]
    assert len(skipped) >= 4
    assert html.count(feedback.SKIPPED_NOTE) == len(skipped)


def test_a_widget_and_a_figure_repr_become_notes():
    """A display cell that did run (a student reused its variables) shows notes, not reprs."""
    cell = nbformat.v4.new_code_cell("LiveFigure(draw, dy=slider)\nplt.show()", metadata={"tags": [feedback.DISPLAY_TAG]})
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/plain": "LiveFigure(children=(IntSlider(...),))",
                                                     "application/vnd.jupyter.widget-view+json": {"model_id": "x"}}),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure size 640x480 with 1 Axes>"}),
    ]
    step = feedback.NoteUndrawnOutputs()
    done, _ = step.preprocess_cell(cell, {}, 0)
    assert [o["data"]["text/plain"] for o in done.outputs] == [feedback.WIDGET_NOTE]   # one note per cell
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "<Figure size 640x480 with 1 Axes>"})]
    done, _ = step.preprocess_cell(cell, {}, 0)
    assert [o["data"]["text/plain"] for o in done.outputs] == [feedback.FIGURE_NOTE]


def test_written_answers_not_graded_yet_say_so(graded_class: dict):
    html = page(graded_class["root"], "cy")
    heading = re.search(r"<h4>(.*?)</h4>", html, re.DOTALL).group(1)
    # 3 autograded points + 2 given by hand, of 10 + 5; 2 points still to grade
    assert re.sub(r"\s+", " ", heading) == f"{GRADED} (Score: 5.0 / 15.0; 2.0 points not graded yet)"
    assert f'{WRITTEN_PENDING}">Written response</a> (Score: not graded yet / 2.0)' in html   # the pending answer
    assert f'{WRITTEN_GRADED}">Written response</a> (Score: 2.0 / 3.0)' in html             # the graded one
    assert html.count("Score: not graded yet / 2.0") == 2   # in the list of scores and above the answer
    assert "Written response</a> (Score: 0.0" not in html


def test_late_penalty_is_in_the_feedback(graded_class: dict):
    html = page(graded_class["root"], "ada")
    # 10 % of the 15 points per started day, 2 days: 3 points
    assert "Late submission penalty (Score: -3.0)" in html
    assert "Late submission penalty" not in page(graded_class["root"], "cy")


def test_draws_figure_reads_the_cells_code():
    assert feedback.draws_figure("fig, ax = plt.subplots()\nax.plot([1, 2])")
    assert feedback.draws_figure("show_images([a], ['a'])")
    assert feedback.draws_figure("def draw():\n    plt.show()\n\ndraw()")
    assert not feedback.draws_figure("def draw():\n    plt.show()")           # only defined
    assert not feedback.draws_figure("import matplotlib.pyplot as plt\nsns.set_theme()")
    assert not feedback.draws_figure("%matplotlib inline")                      # not Python
    assert not feedback.draws_figure("print('plot')")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)")
def test_long_lines_wrap_in_the_browser(graded_class: dict):
    """Every output and code line is readable in a narrow window: nothing runs off its box."""
    from playwright.sync_api import sync_playwright

    path = graded_class["root"] / "feedback" / "cy" / GRADED / f"{GRADED}.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            view = browser.new_page(viewport={"width": 700, "height": 900})
            view.goto(path.as_uri())
            boxes = view.eval_on_selector_all(
                "div.output_area pre, div.input_area pre",
                "els => els.map(e => [e.scrollWidth, e.clientWidth, e.innerText.length])")
            longest = max(length for _, _, length in boxes)
            overflowing = [box for box in boxes if box[0] > box[1] + 1]
            notes = view.get_by_text("Score: not graded yet / 2.0").count()
        finally:
            browser.close()
    assert longest > 200   # there are long lines to wrap
    assert overflowing == []
    assert notes >= 1


def test_nbgrader_generate_feedback_writes_the_same_pages(graded_class: dict):
    """The course's configuration names the feedback steps and page, so plain `nbgrader
    generate_feedback` (and formgrader's button, which runs it) writes what `feedback` writes."""
    assert list(course.config(ROOT).GenerateFeedback.preprocessors) == list(feedback.FEEDBACK_PREPROCESSORS)
    root = graded_class["root"]
    before = {student: page(root, student) for student in ("ada", "cy")}
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_feedback", GRADED, "--force",
                           f"--db={graded_class['db']}"], cwd=root, env=course.nbgrader_env(), capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert {student: page(root, student) for student in ("ada", "cy")} == before
    assert "<script" not in before["ada"] and "<math" in before["ada"]


def test_the_page_is_nbconverts_page_without_its_reparse():
    """:class:`feedback.FeedbackExporter` skips ``HTMLExporter``'s parse and re-serialisation of
    the page (BeautifulSoup), a third of the time of a feedback page: the page it writes reads
    back as the same document as that of nbconvert's whole ``from_notebook_node``, and every image has its
    ``alt`` text."""
    from bs4 import BeautifulSoup

    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A heading\n\nText with $x^2$ and `code`, < and & too."),
        nbformat.v4.new_code_cell("x = [1, 2]  # a comment\nprint('<b>not bold</b>')", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="<b>not bold</b>\n"),
            nbformat.v4.new_output("display_data", data={"image/png": pixel, "text/plain": "<Figure>"}),
            nbformat.v4.new_output("display_data", data={"text/html": f'<p>an <img src="data:image/png;base64,{pixel}" '
                                                                      'alt="own words"> image</p>'}),
        ]),
    ], metadata={"language_info": {"name": "python"}})
    from traitlets.config import Config

    import nbgrader.converters.generate_feedback as generate_feedback

    config = Config()   # the stylesheet generate_feedback gives the template
    config.HTMLExporter.extra_template_paths = [str(Path(generate_feedback.__file__).parent.parent / "server_extensions"
                                                    / "formgrader" / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    exporter = feedback.FeedbackExporter(config=config)
    grades = {"nbgrader": {"notebook": "page", "score": 1.0, "max_score": 2.0, "late_penalty": 0.0,
                           "pending_points": 0.0, "withheld_points": 0.0}}
    ours, _ = exporter.from_notebook_node(nb, copy.deepcopy(grades))
    whole, _ = feedback.OfflineMathExporter.from_notebook_node(exporter, nb, copy.deepcopy(grades))   # re-serialised
    assert str(BeautifulSoup(ours, "html.parser")) == str(BeautifulSoup(whole, "html.parser"))
    images = BeautifulSoup(ours, "html.parser").find_all("img")
    assert len(images) == 2 and [image["alt"] for image in images] == [
        "No description has been provided for this image", "own words"]
