"""Returning results: each student's HTML feedback, and the gradebook as a table.

Feedback is nbgrader's ``generate_feedback`` run for every assignment that has graded
submissions (an assignment nobody handed in yet is skipped, with a line saying so), with these
steps, each a preprocessor of its own (:data:`FEEDBACK_PREPROCESSORS`):

* nbgrader's ``ClearHiddenTests`` removes the hidden tests' source (plain nbgrader shows it);
* nbgrader's ``GetGrades`` puts the scores from the gradebook in the cells;
* :class:`MarkPendingGrades` flags the written answers nobody has graded yet, which the course's
  template (``autograder/templates/course_feedback``) shows as "not graded yet", not as 0 points;
* :class:`WithholdHiddenResults` (off unless enabled, as ``python -m autograder watch
  --hidden-results at-due-date`` does before the due date) blanks the hidden tests' outputs and
  scores;
* :class:`NoteUndrawnOutputs` puts a one-line note where the notebook draws a figure or a widget
  that grading did not draw (grading draws no figures, so it encodes no PNGs), and where a cell
  tagged ``display-only`` was not run at all;
* :class:`WrapLongLines` makes long output and code lines wrap instead of being cut off.

The page is written by :class:`FeedbackExporter`: the course's template, formulas as MathML made
at generation time (:mod:`autograder.mathml`) and no MathJax script, so it has no script at all
and shows everything offline. The course's nbgrader configuration names these steps and this
exporter, so that ``nbgrader generate_feedback``, formgrader's *Generate Feedback* button and
``python -m autograder feedback`` all write the same page.
"""

from __future__ import annotations

import ast
import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.markdown_mistune import MarkdownWithMath
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor
import nbgrader
from nbgrader.api import Gradebook, MissingEntry
from traitlets import Bool, Unicode
from traitlets.config import Config

from autograder import cellplan, course, feedback_steps, mathml, sanitize

#: The feedback steps, in order (see the module's docstring), and the page's exporter.
FEEDBACK_PREPROCESSORS, FEEDBACK_EXPORTER = feedback_steps.FEEDBACK_PREPROCESSORS, feedback_steps.FEEDBACK_EXPORTER
#: The course's feedback template and nbgrader's, which it extends.
TEMPLATE, TEMPLATE_FILE = "course_feedback", "course.html.j2"
TEMPLATE_DIRS = (Path(__file__).resolve().parent / "templates",
                 Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates")
AUTOGRADED = "autograded"

#: Cell tag of the cells that only show something; grading may skip them.
DISPLAY_TAG = "display-only"
FIGURE_NOTE = "Figure: not drawn during grading. Run this cell in JupyterLab to see it."
WIDGET_NOTE = "Interactive widget: not shown here. Run this cell in JupyterLab to use it."
SKIPPED_NOTE = "Not run during grading (it only shows a figure or a widget). Run it in JupyterLab to see it."
_WIDGET = "application/vnd.jupyter.widget-view+json"
_IMAGES = ("image/png", "image/jpeg", "image/svg+xml", "application/pdf")
_FIGURE_REPR = re.compile(r"<Figure size [^>]*>")
#: Calls that draw a figure: Matplotlib's and seaborn's plotting functions (``plt.show``,
#: ``ax.imshow``, ``sns.heatmap``...) and the figure helpers of the course's ``coursekit``.
DRAWING_CALLS = frozenset({
    "show", "figure", "subplots", "subplot", "subplot_mosaic", "imshow", "matshow", "plot", "bar", "barh", "hist",
    "scatter", "stem", "step", "errorbar", "fill_between", "contour", "contourf", "pcolormesh", "quiver", "pie",
    "heatmap", "lineplot", "scatterplot", "histplot", "barplot", "boxplot", "violinplot", "kdeplot", "relplot",
    "catplot", "displot", "pairplot", "show_images", "image_figure", "panel_figure", "pyramid_figure",
})
#: Outputs and code wrap at the page's width instead of running off it.
WRAP_CSS = """
div.output_area pre, div.output_subarea pre, div.output_text pre, div.input_area pre,
div.output_area .highlight pre {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
div.output_subarea { max-width: 100%; }
div.feedback-note { font-style: italic; color: #555; }
"""


# --- the preprocessors --------------------------------------------------------------------------

class FeedbackStep(Preprocessor):
    """A feedback preprocessor: enabled unless configured otherwise (nbconvert's are off by default)."""

    enabled = Bool(True, help="Whether to use this step.").tag(config=True)


class MarkPendingGrades(FeedbackStep):
    """Flags (``metadata.nbgrader.pending``) the graded cells that have neither an automatic
    nor a manual score yet (a written answer waiting for its grader: nbgrader counts it as 0),
    and puts their points in ``resources["nbgrader"]["pending_points"]``. Runs after
    nbgrader's ``GetGrades``, from the same gradebook."""

    def preprocess(self, nb: nbformat.NotebookNode, resources: ResourcesDict):
        info = resources["nbgrader"]
        pending: dict[str, float] = {}
        with Gradebook(info["db_url"]) as gradebook:
            try:
                notebook = gradebook.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            except MissingEntry:
                notebook = None
            for grade in notebook.grades if notebook is not None else ():
                if grade.auto_score is None and grade.manual_score is None:
                    pending[grade.name] = float(grade.max_score)
        for cell in nb.cells:
            meta = course.nbgrader_meta(cell)
            if meta.get("grade") and meta.get("grade_id") in pending:
                meta["pending"] = True
        info["pending_points"] = sum(pending.values())
        return nb, resources


def _note(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/markdown": f"*{text}*", "text/plain": text},
                                  metadata={"feedback-note": True})


def _calls(nodes: list[ast.stmt]) -> list[ast.Call]:
    """The calls made when ``nodes`` run at a cell's top level (not inside the functions and
    classes they define)."""
    found, todo = [], list(nodes)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call):
            found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return found


def _draws(nodes: list[ast.stmt], helpers: dict[str, list[ast.stmt]], depth: int = 0) -> bool:
    for call in _calls(nodes):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in DRAWING_CALLS:
            return True
        if isinstance(func, ast.Name) and name in helpers and depth < 3 and _draws(helpers[name], helpers, depth + 1):
            return True
    return False


def draws_figure(source: str) -> bool:
    """True if running the cell draws a figure: it calls one of :data:`DRAWING_CALLS`, or a
    function of its own that does (calls inside functions it only defines do not count)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:   # IPython magics, or a student's broken cell
        return False
    helpers = {node.name: node.body for node in ast.walk(tree)
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return _draws(tree.body, helpers)


class NoteUndrawnOutputs(FeedbackStep):
    """One-line notes in place of what grading did not draw: a live widget (its output holds
    only the widget's text repr), a figure's text repr (``<Figure size ...>``), a cell that draws
    a figure but shows none, and a ``display-only`` cell that was not run at all."""

    def preprocess_cell(self, cell: nbformat.NotebookNode, resources: ResourcesDict, index: int):
        if cell.cell_type != "code":
            return cell, resources
        if DISPLAY_TAG in cell.get("metadata", {}).get("tags", []) and all(
                o.get("output_type") == "stream" and cellplan.SKIP_NOTE in str(o.get("text", ""))
                for o in cell.get("outputs", [])):
            cell.outputs = [_note(SKIPPED_NOTE)]   # grading skipped it (or it has no output at all)
            return cell, resources
        outputs, noted = [], False
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") in ("display_data", "execute_result") and not any(k in data for k in _IMAGES):
                if _WIDGET in data or data.get("text/plain") == sanitize.WIDGET_TEXT:
                    outputs.append(_note(WIDGET_NOTE))
                    noted = True
                    continue
                if _FIGURE_REPR.fullmatch(str(data.get("text/plain", "")).strip()):
                    if not noted:
                        outputs.append(_note(FIGURE_NOTE))
                    noted = True
                    continue
            outputs.append(output)
        drawn = any(k in o.get("data", {}) for o in outputs for k in _IMAGES)
        if not noted and not drawn and draws_figure(cell.source):
            outputs.append(_note(FIGURE_NOTE))
        cell.outputs = outputs
        return cell, resources


#: Where a hidden test's output was, while its results are withheld.
WITHHELD_NOTE = "Hidden test: its result is shown after the due date."
#: What marks a hidden test cell in ``solutions/``.
HIDDEN_MARK = "### BEGIN HIDDEN TESTS"


def hidden_test_ids(solution: Path) -> set[str]:
    """The grade ids of the cells of the notebook ``solution`` (in ``solutions/``) that hold
    hidden tests (:data:`HIDDEN_MARK`); none when it cannot be read."""
    try:
        nb = nbformat.read(solution, as_version=4)
    except (OSError, ValueError):
        return set()
    return {str(course.nbgrader_meta(cell).get("grade_id")) for cell in nb.cells
            if HIDDEN_MARK in cell.get("source", "") and course.nbgrader_meta(cell).get("grade_id")}


class WithholdHiddenResults(FeedbackStep):
    """Withholds the hidden tests' results until the due date (off unless enabled: ``python -m
    autograder watch --hidden-results at-due-date`` enables it for a student not yet due). In the
    cells that hold hidden tests in ``solutions/`` (the feedback's copy no longer says so, see
    ``ClearHiddenTests``) every output gives way to :data:`WITHHELD_NOTE` and the score is
    removed; the notebook's score counts only the other cells, and the page says how many points
    are shown after the due date. Runs after ``GetGrades`` and :class:`MarkPendingGrades`."""

    enabled = Bool(False, help="Whether to withhold the hidden tests' results.").tag(config=True)
    solutions = Unicode("", help="The course's solutions/ folder (default: solutions/ of the current "
                                 "folder).").tag(config=True)

    def preprocess(self, nb: nbformat.NotebookNode, resources: ResourcesDict):
        info = resources["nbgrader"]
        folder = Path(self.solutions or course.SOURCE)
        hidden = hidden_test_ids(folder / info["assignment"] / f"{info['notebook']}.ipynb")
        withheld_score = withheld_points = 0.0
        for cell in nb.cells:
            meta = course.nbgrader_meta(cell)
            if meta.get("grade_id") not in hidden:
                continue
            withheld_score += float(meta.pop("score", 0) or 0)
            withheld_points += float(meta.get("points", 0) or 0)
            meta["withheld"] = True
            meta.pop("comment", None)
            if cell.cell_type == "code":
                cell.outputs = [_note(WITHHELD_NOTE)]
                cell.execution_count = None
        if hidden:
            info["score"] = max(0.0, float(info.get("score", 0) or 0) - withheld_score)
            info["withheld_points"] = withheld_points
        return nb, resources


class WrapLongLines(FeedbackStep):
    """Adds :data:`WRAP_CSS` to the page's inline styles (after nbconvert's
    ``CSSHTMLHeaderPreprocessor``, whose list nbgrader's template writes into the page)."""

    def preprocess(self, nb: nbformat.NotebookNode, resources: ResourcesDict):
        resources.setdefault("inlining", {}).setdefault("css", []).append(WRAP_CSS)
        return nb, resources


# --- the page -----------------------------------------------------------------------------------

#: The MathJax loader and configuration that nbgrader's feedback template writes into the page.
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL)
#: The start of an ``<img>`` tag without an ``alt`` attribute (the tag's attribute values are
#: escaped: no ``>`` in them).
_IMG_WITHOUT_ALT = re.compile(r"<img(?=[\s/>])(?![^>]*\salt=)", re.IGNORECASE)


class OfflineMathExporter(HTMLExporter):
    """nbconvert's HTML exporter with formulas as MathML (:mod:`autograder.mathml`) and without
    the MathJax loader that nbgrader's templates put in the page: nothing is fetched to show them.
    Formgrader's pages use it too (:mod:`autograder.formgrader`)."""

    @pass_context
    def markdown2html(self, context: dict, source: str) -> str:
        cell = context.get("cell", {})
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        renderer = mathml.MathMLRenderer(escape=False, attachments=cell.get("attachments", {}),
                                         embed_images=self.embed_images, path=path,
                                         anchor_link_text=self.anchor_link_text,
                                         exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)

    def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict | None = None, **kwargs):
        output, resources = super().from_notebook_node(nb, resources, **kwargs)
        return _MATHJAX.sub("", output), resources


class FeedbackExporter(OfflineMathExporter):
    """The feedback page: :class:`OfflineMathExporter` with the course's feedback template,
    whatever the configuration says of ``HTMLExporter`` (formgrader sets its own template
    there). With that template the page has no script at all."""

    def __init__(self, config: Config | None = None, **kwargs) -> None:
        own = Config(copy.deepcopy(config)) if config is not None else Config()
        own.FeedbackExporter.merge(Config(template_name=TEMPLATE, template_file=TEMPLATE_FILE,
                                          extra_template_basedirs=[str(path) for path in TEMPLATE_DIRS]))
        super().__init__(config=own, **kwargs)

    def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict | None = None, **kwargs):
        """The page as nbconvert's ``HTMLExporter`` writes it, without its last step: a parse and
        re-serialisation of the whole page with BeautifulSoup (a third of the time of a
        feedback page), done there to give images an ``alt`` text and the JupyterLab
        template's cells a ``tabindex``. The course's template is the classic one (no such
        cells); the images get the same ``alt`` text from :data:`_IMG_WITHOUT_ALT`. The
        notebook's own HTML is already rebuilt by :mod:`autograder.sanitize`."""
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        self.register_filter("highlight_code", self.filters.get("highlight_code",
                                                                Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                                       parent=self, resources=resources))
        output, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kwargs)
        output = _IMG_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', output)
        return _MATHJAX.sub("", output), resources


# --- running nbgrader -------------------------------------------------------------------------

@dataclass
class Feedback:
    """What :func:`generate` did: the pages written, the assignments skipped (nobody's
    submission graded yet) and those nbgrader failed on (with its last lines)."""

    pages: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.pages)


def graded_assignments(root: Path) -> list[str]:
    """The assignments with at least one autograded notebook under ``autograded/``."""
    return [a for a in course.assignments(root) if any((root / AUTOGRADED).glob(f"*/{a}/*.ipynb"))]


def nbgrader_options(db_url: str) -> tuple[str, ...]:
    """The options that make ``nbgrader generate_feedback`` the course's feedback."""
    listed = ",".join(f"'{name}'" for name in FEEDBACK_PREPROCESSORS)
    # the course's configuration says the same (autograder/nbgrader_config.py): repeated here so that
    # a course folder with an older configuration still gets the course's feedback
    return (f"--GenerateFeedback.preprocessors=[{listed}]",
            f"--GenerateFeedback.exporter_class={FEEDBACK_EXPORTER}",
            f"--CourseDirectory.db_url={db_url}")


def generate(root: Path, db_url: str | None = None, jobs: int | None = None) -> Feedback:
    """Feedback under ``feedback/`` for every graded submission, from the gradebook at
    ``db_url`` (default: the course's configured one), ``jobs`` assignments at a time (default:
    the machine's cores). Never stops at an assignment nobody submitted; an assignment nbgrader
    fails on is reported and the others still get theirs."""
    root = root.resolve()
    url = course.db_url(root, db_url)
    result = Feedback()
    graded = graded_assignments(root)
    result.skipped = [a for a in course.assignments(root) if a not in graded]
    commands = [["generate_feedback", assignment, "--force", *nbgrader_options(url)] for assignment in graded]
    for assignment, done in zip(graded, course.run_nbgrader_many(root, commands, jobs=jobs or os.cpu_count() or 1)):
        if done.returncode != 0:
            result.failed[assignment] = done.output[-2000:]
    result.pages = sorted((root / "feedback").rglob("*.html"))
    return result


def export(root: Path, db_url: str | None = None) -> Path:
    """``nbgrader export`` to ``reports/gradebook.csv``: one row per student and assignment,
    autograded and manual scores. Its ``max_score`` is nbgrader's: every graded cell, written
    answers included, so it is larger than the sum of ``max_score`` in ``grades.csv`` (which
    lists the autograded test cells only)."""
    root = root.resolve()
    path = root / course.REPORTS / "gradebook.csv"
    path.parent.mkdir(exist_ok=True)
    done = course.run_nbgrader(root, "export", f"--CsvExportPlugin.to={path}",
                               f"--CourseDirectory.db_url={course.db_url(root, db_url)}")
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader export failed:\n{done.output[-2000:]}")
    return path
