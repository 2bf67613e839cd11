"""nbgrader's *Validate* button, for this course.

nbgrader's own Validator runs every cell of the notebook (notebook 5 trains its networks for
40 to 90 s while the button stays grey) and lists each unanswered written question as
"The following cell failed: YOUR ANSWER HERE", the same text for every question.
:class:`CourseValidator` is nbgrader's Validator with two changes:

* its execution step (:class:`PlannedExecute`) is nbgrader's ``Execute`` without the
  display-only cells that grading skips too: the plan is the grader's own
  (:mod:`autograder.cellplan`, through :meth:`autograder.execute.SandboxedExecute._plan`), made
  on the student's notebook, so a figure or an experiment runs whenever a test could tell the
  difference. A display-only cell counts as one only while it is the released, locked cell
  (its nbgrader checksum unchanged); an edited one runs, and Validate reports it as changed;
* its report says, in plain words, which autograded test cells fail, with the course's message
  (lines wrapped to fit the dialog), which written questions are not answered yet (by their
  number and first sentence), that those are graded by the instructor, and whether every
  autograded test passes.

:func:`install`, called by the course's nbgrader configuration (``autograder/nbgrader_config.py``),
makes the lab's Validate button (nbgrader's ``/assignments/validate`` handler, which builds a
``Validator`` from that configuration on every click) and ``nbgrader validate`` use it. It needs
nothing beyond the student's environment (``requirements.txt``).
"""

from __future__ import annotations

import html
import re
import sys
import textwrap
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, Execute
from nbgrader.validator import Validator
from traitlets import List

#: What a cell that Validate did not run shows.
SKIP_NOTE = "not run by Validate: display only (run it yourself to see it)"
#: Width of the dialog's text, in characters: longer lines are wrapped, not cut off.
WIDTH = 88
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _cell_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_test(cell: NotebookNode) -> bool:
    meta = _cell_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _is_written(cell: NotebookNode) -> bool:
    meta = _cell_meta(cell)
    return cell.cell_type == "markdown" and bool(meta.get("grade")) and bool(meta.get("solution"))


def released_display_cells(nb: NotebookNode) -> dict[str, str]:
    """The notebook's display-only cells as released: grade_id -> source, for the locked
    nbgrader cells tagged ``display-only`` whose checksum is still the released one (the
    instructor's source notebooks have no checksum)."""
    from autograder.cellplan import DISPLAY_TAG

    cells = {}
    for cell in nb.cells:
        meta = _cell_meta(cell)
        if (cell.cell_type == "code" and DISPLAY_TAG in cell.get("metadata", {}).get("tags", [])
                and meta.get("locked") and not meta.get("grade") and not meta.get("solution")
                and meta.get("grade_id")
                and meta.get("checksum", utils.compute_checksum(cell)) == utils.compute_checksum(cell)):
            cells[meta["grade_id"]] = cell.source
    return cells


class PlannedExecute(Execute):
    """nbgrader's ``Execute``, without the display-only cells that the grader's plan skips."""

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        from autograder.execute import SandboxedExecute
        from autograder.verdicts import graded_functions

        plan = SandboxedExecute(judge_outside=False, parent=self)._plan(
            nb, released_display_cells(nb), graded_functions(nb))
        runs = iter(plan)
        self.skipped = {i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and not next(runs)}
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        if index in getattr(self, "skipped", ()):
            cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=SKIP_NOTE + "\n")]
            cell.execution_count = None
            return cell, resources
        return super().preprocess_cell(cell, resources, index)


def _wrap(text: str, indent: str = "") -> str:
    """``text`` without terminal colours, each line wrapped to :data:`WIDTH` characters."""
    lines = []
    for line in _ANSI.sub("", text).splitlines():
        lead = line[:len(line) - len(line.lstrip())]
        lines += textwrap.wrap(line, WIDTH, subsequent_indent=lead + indent, break_long_words=True,
                               break_on_hyphens=False) or [""]
    return "\n".join(lines)


def _plain(markdown: str) -> str:
    """Markdown as a person reads it: no emphasis, code marks, links or formula delimiters."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`]{1,3}([^*_`]+)[*_`]{1,3}", r"\1", text)
    return text.replace("$", "").strip()


def question_of(nb: NotebookNode, index: int) -> str:
    """The written question that the answer cell ``nb.cells[index]`` answers, in a line: the
    "Question N" paragraph before it (label and first sentence), else the nearest heading, else
    the cell's grade_id in words."""
    before = nb.cells[index - 1] if index > 0 else None
    if before is not None and before.cell_type == "markdown" and not _is_written(before):
        for paragraph in reversed([p for p in re.split(r"\n\s*\n", before.source) if p.strip()]):
            flat = " ".join(paragraph.split())
            found = (re.match(r"\*\*(Question\b[^*]*)\*\*\s*(.*)", flat)
                     or re.match(r"(Question \d+[^.:]*)[.:]\s*(.*)", flat))
            if found:
                sentence = re.split(r"(?<=[.?!])\s", _plain(found.group(2)), maxsplit=1)[0]
                return f"{found.group(1).rstrip('.:')}: {sentence}"
        headings = [line.lstrip("#").strip() for line in before.source.splitlines() if line.startswith("#")]
        if headings:
            return _plain(headings[-1])
    words = _cell_meta(nb.cells[index]).get("grade_id", "a written answer").replace("_", " ")
    return re.sub(r"\banswer$", "", words).strip()


def _test_name(cell: NotebookNode) -> str:
    grade_id = _cell_meta(cell).get("grade_id", "")
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"Test cell {grade_id} (it begins: {first})"


def test_message(cell: NotebookNode, extract_error) -> str:
    """What a failing test cell tells the student: the course's message when the check failed
    (it starts "Test failed"); for any other error, its name and text, without the traceback."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if not errors:
        return extract_error(cell)
    error = errors[0]
    first = _ANSI.sub("", (error.get("traceback") or [""])[0]).strip()
    if first.startswith("Test failed"):
        return "\n".join(error["traceback"])
    if error.get("ename") == "NotImplementedError":
        return ("NotImplementedError: a function this cell tests is not written yet (its cell still says "
                "raise NotImplementedError()).")
    return f"{error.get('ename')}: {error.get('evalue')}"


def report(nb: NotebookNode, failed: list[NotebookNode], extract_error) -> list[dict[str, str]]:
    """The entries of Validate's "failed" list: each failing test cell with the course's
    message, then each written answer not given yet with what it is and where the tests stand."""
    tests = [cell for cell in nb.cells if _is_test(cell)]
    failing = [cell for cell in failed if _is_test(cell)]
    entries = []
    for cell in failing:
        message = _wrap(test_message(cell, extract_error))
        entries.append({"source": _wrap(_test_name(cell), "    "), "error": html.escape(message),
                        "raw_error": message})
    if not failing:
        standing = (f"Every autograded test passes ({len(tests)} test cells): only written answers remain."
                    if tests else "This notebook has no autograded test.")
    else:
        standing = (f"Not every autograded test passes yet: {len(failing)} of {len(tests)} test cells fail "
                    "(listed above, each with its message).")
    for cell in failed:
        if _is_test(cell):
            continue
        index = next(i for i, c in enumerate(nb.cells) if c is cell)
        if _is_written(cell):
            source = f"Written answer not given yet: {question_of(nb, index)}"
            message = ("Written answers are graded by your instructor, not by Validate: write yours in "
                       f"the cell that says YOUR ANSWER HERE.\n{standing}")
        else:
            source = cell.source.strip()
            message = _ANSI.sub("", extract_error(cell))
        message = _wrap(message)
        entries.append({"source": _wrap(source, "    "), "error": html.escape(message), "raw_error": message})
    return entries


class CourseValidator(Validator):
    """nbgrader's Validator, with :class:`PlannedExecute` and the course's report."""

    preprocessors = List([CheckCellMetadata, ClearOutput, PlannedExecute])

    def _preprocess(self, nb: NotebookNode) -> NotebookNode:
        self._validated = super()._preprocess(nb)
        return self._validated

    def validate(self, filename: str) -> dict[str, list[dict[str, str]]]:
        self._validated = None
        results = super().validate(filename)
        if results.get("failed") and self._validated is not None:
            nb = self._validated
            results["failed"] = report(nb, self._get_failed_cells(nb), self._extract_error)
        return results


def install() -> None:
    """Make nbgrader's Validate handler (JupyterLab's button) and ``nbgrader validate`` build a
    :class:`CourseValidator` (idempotent; only modules already imported are changed)."""
    for name in ("nbgrader.server_extensions.validate_assignment.handlers", "nbgrader.apps.validateapp"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "Validator", None) is not CourseValidator:
            module.Validator = CourseValidator
