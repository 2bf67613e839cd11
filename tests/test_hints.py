"""The visible tests catch the common mistakes, and every hint names the actual fault.

Each ``wrong_*`` implementation in ``tests/submissions/<function>/`` (and each second,
independently written version of the same mistake in ``tests/submissions_v2/<function>/``)
is replayed here, in this process, the way a student meets it: the released notebook's
``grading-context`` cells, the reference solutions of the other functions, the implementation
in place of its function's solution cell, then that function's test cells as the student's
notebook has them (without the hidden tests), in order. The first cell that fails gives the
message the student reads. If no visible cell fails, the instructor's test cells (with the
hidden tests) give the message that grading reports.

* the **visible catch rate** is the share of ``tests/submissions`` fixtures that fail a visible
  test cell; it must be at least :data:`MINIMUM_CATCH_RATE`;
* :data:`HINTS` says, for every mistake, what the message must say; a fixture without an entry
  fails the test, so a new fixture needs its hint written down.

Nothing here starts a kernel or nbgrader: the whole file runs in a few seconds.
``tests/test_grading.py`` proves the same fixtures through the real grading path.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import nbformat
import pytest

from autograder import course, demo
from conftest import ROOT, read, solution_cells

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FIRST = ROOT / "tests" / "submissions"
SECOND = ROOT / "tests" / "submissions_v2"
MINIMUM_CATCH_RATE = 0.90


@functools.cache
def homes() -> dict[str, tuple[str, str]]:
    """Each graded function -> (assignment, notebook) of the first notebook that defines it."""
    found: dict[str, tuple[str, str]] = {}
    for assignment in course.assignments(ROOT):
        for path in course.source_notebooks(ROOT, assignment):
            for name in solution_cells(read(path)):
                found.setdefault(name, (assignment, path.stem))
    return found


@dataclass(frozen=True)
class Outcome:
    """What a student sees for one implementation: the first failing cell and its message."""

    cell: str | None          # grade_id of the first failing test cell, None if all pass
    message: str
    visible: bool             # True when a visible test cell failed


def _message(error: BaseException) -> str:
    if isinstance(error, AssertionError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _run(source: str, namespace: dict) -> BaseException | None:
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102
        except Exception as error:  # noqa: BLE001 - the student's failure is what we look at
            return error
        finally:
            plt.close("all")
    return None


@functools.cache
def _instructor_tests(assignment: str, notebook: str) -> dict[str, str]:
    nb = read(ROOT / course.SOURCE / assignment / f"{notebook}.ipynb")
    return {course.nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if course.is_autograded_test(c)}


def replay(function: str, source: str) -> Outcome:
    """Run ``source`` as the student's ``function`` in its home notebook (see the module doc)."""
    assignment, notebook = homes()[function]
    nb: nbformat.NotebookNode = demo.filled(ROOT, assignment, notebook, {function: source})
    namespace: dict = {"__name__": "__main__"}
    tests = []
    for cell in nb.cells:
        meta = course.nbgrader_meta(cell)
        if cell.cell_type != "code":
            continue
        if "grading-context" in cell.metadata.get("tags", []) or meta.get("solution"):
            error = _run(cell.source, namespace)
            if error is not None and meta.get("grade_id") == function:
                return Outcome(function, _message(error), True)
            assert error is None or meta.get("grade_id") == function, f"{meta.get('grade_id')}: {error!r}"
        elif course.is_autograded_test(cell) and meta["grade_id"].startswith(f"test_{function}_"):
            tests.append((meta["grade_id"], cell.source))
    assert tests, f"no test cells for {function}"
    for grade_id, visible in tests:
        error = _run(visible, dict(namespace))
        if error is not None:
            return Outcome(grade_id, _message(error), True)
    hidden = _instructor_tests(assignment, notebook)
    for grade_id, _ in tests:
        error = _run(hidden[grade_id], dict(namespace))
        if error is not None:
            return Outcome(grade_id, _message(error), False)
    return Outcome(None, "", False)


def fixtures(folder: Path, prefix: str = "wrong_") -> list[Path]:
    return sorted(p for p in folder.glob(f"*/{prefix}*.py") if p.parent.name in homes())


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@functools.cache
def outcome(path: Path) -> Outcome:
    return replay(path.parent.name, path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# What the message must say for each mistake: <function>/<mistake> -> a regular expression
# searched (case-insensitively) in the message the student reads. Both versions of a
# mistake (tests/submissions and tests/submissions_v2) must match the same entry.
# --------------------------------------------------------------------------------------
HINTS: dict[str, str] = {}


def test_visible_catch_rate():
    """The share of wrong implementations that a visible test cell catches before hand-in."""
    wrong = fixtures(FIRST)
    missed = [name(p) for p in wrong if not outcome(p).visible]
    rate = 1 - len(missed) / len(wrong)
    print(f"visible catch rate: {len(wrong) - len(missed)} of {len(wrong)} = {rate:.1%}; missed: {missed}")
    assert rate >= MINIMUM_CATCH_RATE, f"visible catch rate {rate:.1%}; missed by the visible tests: {missed}"


@pytest.mark.parametrize("path", fixtures(FIRST, "ok_") + fixtures(SECOND, "ok_"), ids=name)
def test_correct_alternatives_pass_every_test(path):
    result = outcome(path)
    assert result.cell is None, f"{name(path)} fails {result.cell}:\n{result.message}"
