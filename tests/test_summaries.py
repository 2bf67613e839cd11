"""The summary names each cause once: the cell where it happened (by grade_id, or by position
among the notebook's code cells), the test cells it failed and the real error; time limits are
named with their setting; the progress bar names the job grading waits for."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from autograder import course, grade, submissions, verdicts
from autograder.jobs import Result
from autograder.kernel import CallTimeout
from conftest import ROOT, copy_course, submission

ASSIGNMENT = "01_translation"
SYNTAX_ERROR = {"translate": "def translate(image, dy, dx, mode='constant'):\n    return image +\n",
                "image_distance": "def image_distance(a, b):\n    while True:\n        pass\n"}


def cell(source: str, grade_id: str | None = None, *, test: bool = False, error: tuple[str, str] | None = None):
    new = nbformat.v4.new_code_cell(source)
    if grade_id:
        new.metadata["nbgrader"] = {"grade_id": grade_id, "grade": test, "solution": not test, "locked": test,
                                    "points": 1 if test else 0}
    if error:
        new.outputs = [nbformat.v4.new_output("error", ename=error[0], evalue=error[1], traceback=[])]
    return new


def autograded() -> nbformat.NotebookNode:
    undefined = ("NameError", "name 'translate' is not defined: the notebook no longer defines the function translate()")
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1"),
        cell("import numpy as np"),
        cell("def translate(image, dy, dx):\n    return image +\n", "translate",
             error=("SyntaxError", "invalid syntax (498756001.py, line 2)")),
        *[cell("translate(1, 2, 3)", f"test_translate_{n}", test=True, error=undefined) for n in ("a", "b", "c")],
        cell("def image_distance(a, b):\n    return 0.0\n", "image_distance"),
        cell("image_distance(1, 2)", "test_image_distance_a", test=True,
             error=("CellTimeoutError", "image_distance() did not return within 60 s, the limit per call")),
        cell("while True: pass", error=("CellTimeoutError", "the cell ran longer than 120 s and was interrupted")),
        cell("undefined_function(1)", "test_missing_a", test=True,
             error=("NameError", "name 'undefined_function' is not defined")),
    ])


def test_a_syntax_error_is_named_once_in_the_cell_where_it_happened():
    found = submissions.failures(autograded())
    cause = "translate() is not defined: cell 'translate' (code cell 2) raised SyntaxError: invalid syntax (line 2)"
    assert {found[f"test_translate_{n}"] for n in "abc"} == {cause}
    assert found["test_image_distance_a"].startswith("CellTimeoutError: image_distance() did not return within 60 s")
    assert found["test_missing_a"] == "undefined_function() is not defined: no cell before the test defines it"


def test_a_timed_out_test_cell_is_not_reported_twice():
    notes = submissions.incidents(autograded())
    assert notes == ["code cell 8: ran out of time (CellTimeoutError: the cell ran longer than 120 s and was "
                     "interrupted)"]


def test_one_line_per_cause_naming_every_cell_it_failed():
    nb = autograded()
    failures = submissions.failures(nb)
    cells = [course.TestCell(ASSIGNMENT, "nb", course.nbgrader_meta(c)["grade_id"], 1.0) for c in nb.cells
             if course.is_autograded_test(c)]
    graded = grade._Graded(scores={}, graded={"nb"}, failures={("nb", k): v for k, v in failures.items()})
    lines = grade._lost_points(cells, graded.scores, graded)
    assert lines[0] == ("test_translate_a: 0/1, test_translate_b: 0/1, test_translate_c: 0/1  (translate() is not "
                        "defined: cell 'translate' (code cell 2) raised SyntaxError: invalid syntax (line 2))")
    assert len(lines) == 3 and lines[1].startswith("test_image_distance_a: 0/1  (CellTimeoutError")


class SlowKernel:
    """A student's kernel whose every call runs out of time."""

    def load_harness(self) -> None:
        pass

    def call(self, name, args, kwargs, timeout, callback, lent=None):
        raise CallTimeout(f"{name}() did not return within {timeout:g} s")


@pytest.mark.parametrize(("timeout", "says"), [
    (120, "translate() did not return within 60 s, the limit per call of a graded function "
          "(SandboxedExecute.call_timeout)"),
    (5, "translate() was still running when the test cell's 5 s ran out (the limit per test cell, all its "
        "calls together: SandboxedExecute.timeout)"),
])
def test_a_time_out_names_the_limit_that_stopped_it(timeout, says):
    with pytest.raises(CallTimeout) as stopped:
        verdicts.judge("translate(1)", {}, ["translate"], SlowKernel(), timeout=timeout, call_timeout=60)
    assert str(stopped.value) == says


def test_every_time_limit_is_documented():
    for doc in ("instructors.md", "security.md"):
        text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
        assert "call_timeout" in text and "60 s" in text, doc


def test_the_progress_bar_names_the_job_it_waits_for():
    waiting = grade.Waiting()
    waiting.start("ada", ASSIGNMENT)
    waiting.start("bob", ASSIGNMENT)
    assert waiting.label() == f"waiting for ada/{ASSIGNMENT} + 1 more"
    waiting.finish("bob", ASSIGNMENT)
    assert waiting.label() == f"waiting for ada/{ASSIGNMENT}"
    waiting.finish("ada", ASSIGNMENT)
    assert waiting.label() == ""


def test_grading_shows_the_job_it_waits_for(scratch_course, capsys):
    """Jobs on workers come back in any order: after bob's result, the bar names ada's job."""
    for student in ("ada", "bob"):
        (scratch_course / course.SUBMITTED / student / ASSIGNMENT).mkdir(parents=True)

    def workers(work):
        assert [s for s, _ in work] == ["ada", "bob"]
        yield Result("bob", ASSIGNMENT, reasons=["not graded here"])
        yield Result("ada", ASSIGNMENT, reasons=["not graded here"])

    grade.grade(scratch_course, grader=workers, assignments=[ASSIGNMENT])
    shown = capsys.readouterr().err
    halfway = [part for part in re.split(r"[\r\n]", shown) if " 1/2 " in part]
    assert halfway and all(f"waiting for ada/{ASSIGNMENT}" in part for part in halfway), shown


def test_the_summary_of_a_syntax_error_and_a_time_out(tmp_path):
    """Graded for real: the SyntaxError in translate's cell is one line naming its cell and the
    four test cells; the timed-out cells appear once each, with the limit that stopped them."""
    root = copy_course(tmp_path / "course")
    for folder in (course.SOURCE, course.RELEASE):
        for other in (root / folder).iterdir():
            if other.is_dir() and other.name != ASSIGNMENT:
                shutil.rmtree(other)
    (notebook,) = [p.stem for p in course.source_notebooks(root, ASSIGNMENT)]
    folder = root / course.SUBMITTED / "s1" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / f"{notebook}.ipynb").write_text(submission(ASSIGNMENT, notebook, SYNTAX_ERROR), encoding="utf-8")
    grade.grade(root, jobs=1, progress=False, options=("--SandboxedExecute.timeout=5",))
    summary = (root / course.REPORTS / "summary.txt").read_text(encoding="utf-8")
    block = summary.split("\ns1:", 1)[1]
    assert block.count("SyntaxError") == 1 and "no longer defines" not in block, block
    (syntax,) = [line for line in block.splitlines() if "SyntaxError" in line]
    assert "cell 'translate' (code cell" in syntax and "(line 2)" in syntax
    assert all(f"test_translate_{n}:" in syntax for n in ("basic", "wrap", "errors", "hidden")), syntax
    assert block.count("test_image_distance_basic") == 1 and not re.search(r"\bcell \d+:", block), block
    assert "5 s ran out" in block and "SandboxedExecute.timeout" in block and "60 s" not in block
