"""The lab's *Validate* button, called as the lab calls it: nbgrader's ``/assignments/validate``
handler loads the configuration from the server's folder (the course root: ``nbgrader_config.py``,
which loads ``autograder/nbgrader_config.py``) and builds a ``Validator`` from it.

For every notebook, the released stub, the stub with every function filled in (only the written
answers left) and the instructor's solution: what the dialog lists (the failing test cells with
the course's message, each unanswered written question by its number and first sentence, who
grades it, whether every autograded test passes). Each validation's wall time is printed (run
with ``-s``); speed is measured in ``bench/bench_validate.py``, not asserted here.
"""

from __future__ import annotations

import html
import logging
import re
import subprocess
import sys
import time
import types
from pathlib import Path

import nbformat
import pytest

from autograder import course, demo, notebooks
from conftest import ROOT, copy_course, read

ASSIGNMENTS = course.assignments(ROOT)


def lab_validate(root: Path, relative: str) -> dict:
    """What the Validate button receives for ``relative`` (a path under the course root), from
    nbgrader's own handler, with the server started at ``root`` (as `make lab` starts it)."""
    from nbgrader.server_extensions.validate_assignment import handlers

    handler = types.SimpleNamespace(root_dir=str(root), log=logging.getLogger("validate"),
                                    load_config=lambda: handlers.ValidateAssignmentHandler.load_config(None))
    started = time.monotonic()
    answer = handlers.ValidateAssignmentHandler.validate_notebook(handler, relative)
    print(f"Validate {relative}: {time.monotonic() - started:.1f} s")
    assert answer["success"], answer["value"]
    return answer["value"]


#: one copy of the course for the file's tests, on one test worker
pytestmark = pytest.mark.xdist_group("validate")


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory) -> Path:
    return copy_course(tmp_path_factory.mktemp("validate") / "course")


@pytest.fixture
def lab_root(course_copy, monkeypatch) -> Path:
    monkeypatch.chdir(course_copy)   # the server's folder: where the handler looks for nbgrader_config.py
    return course_copy


def _written(assignment: str) -> list[str]:
    cells = read(ROOT / course.RELEASE / assignment / f"{assignment}.ipynb").cells
    return [course.nbgrader_meta(c)["grade_id"] for c in cells
            if c.cell_type == "markdown" and course.nbgrader_meta(c).get("grade")]


def _tests(assignment: str) -> list[str]:
    cells = read(ROOT / course.RELEASE / assignment / f"{assignment}.ipynb").cells
    return [course.nbgrader_meta(c)["grade_id"] for c in cells
            if c.cell_type == "code" and course.nbgrader_meta(c).get("grade")]


def _plain(entry: dict) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", entry["error"]))


def _check_written(entries: list[dict], assignment: str, standing: str) -> None:
    written = [e for e in entries if e["source"].startswith("Written answer not given yet:")]
    assert len(written) == len(_written(assignment)), entries
    for entry in written:
        assert re.match(r"Written answer not given yet: Question \d+ \(\d+ points?\): \S", entry["source"]), entry
        assert "graded by your instructor" in entry["error"]
        assert standing in entry["error"]
    assert len({e["source"] for e in written}) == len(written), "two questions read the same"
    for entry in entries:   # the dialog cuts lines off: none is longer than it shows
        assert max(len(line) for line in (entry["source"] + "\n" + _plain(entry)).splitlines()) <= 90, entry


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_on_a_released_stub_lists_every_test_and_names_every_written_question(lab_root, assignment):
    result = lab_validate(lab_root, f"{course.RELEASE}/{assignment}/{assignment}.ipynb")
    entries = result["failed"]
    failing = [e for e in entries if e["source"].startswith("Test cell ")]
    assert [e["source"].split()[2] for e in failing] == _tests(assignment)
    # the stub's NotImplementedError in words, or the course's own message (a test that expects an error)
    assert all("not written yet" in e["error"] or _plain(e).startswith("Test failed (line") for e in failing), failing
    assert not [e for e in failing if "Traceback" in e["error"]], failing
    _check_written(entries, assignment, f"Not every autograded test passes yet: {len(failing)} of {len(failing)}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_with_every_function_written_says_only_written_answers_remain(lab_root, assignment):
    path = lab_root / "student" / f"{assignment}.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_text(notebooks.dumps(demo.filled(ROOT, assignment, assignment, {})))
    entries = lab_validate(lab_root, path.relative_to(lab_root).as_posix())["failed"]
    assert all(e["source"].startswith("Written answer not given yet:") for e in entries), entries
    _check_written(entries, assignment, "Every autograded test passes")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_passes_the_solution(lab_root, assignment):
    assert lab_validate(lab_root, f"{course.SOURCE}/{assignment}/{assignment}.ipynb") == {}


def test_validate_shows_the_course_message_of_a_failing_test(lab_root):
    wrong = (ROOT / "tests" / "submissions" / "translate" / "wrong_always_wrap.py").read_text(encoding="utf-8")
    path = lab_root / "student" / "wrong.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_text(notebooks.dumps(demo.filled(ROOT, ASSIGNMENTS[0], ASSIGNMENTS[0], {"translate": wrong})))
    entries = lab_validate(lab_root, path.relative_to(lab_root).as_posix())["failed"]
    failing = [e for e in entries if e["source"].startswith("Test cell test_translate")]
    assert failing, entries
    shown = _plain(failing[0])
    assert shown.splitlines()[0].startswith("Test failed (line") and "Traceback" not in shown
    _check_written(entries, ASSIGNMENTS[0], "Not every autograded test passes yet")


def test_validate_runs_a_display_cell_that_a_test_needs(lab_root):
    """A student's code that reads a name bound by a display-only cell: the cell runs, as it
    does in grading (the grader's plan decides), so Validate and the grade agree."""
    assignment = ASSIGNMENTS[0]
    nb = demo.filled(ROOT, assignment, assignment, {})
    display = next(c for c in nb.cells if "display-only" in c.metadata.get("tags", []))
    names = sorted(n for n in re.findall(r"^(\w+)\s*=", display.source, re.MULTILINE))
    assert names, display.source
    first_solution = next(c for c in nb.cells if c.cell_type == "code" and course.nbgrader_meta(c).get("solution"))
    first_solution.source += f"\n\n\ndef uses_display_name():\n    return {names[0]}\n"
    nb.cells.append(nbformat.v4.new_code_cell("assert uses_display_name() is not None", id="student-check"))
    path = lab_root / "student" / "reads-display.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_text(notebooks.dumps(nb))
    from autograder.validation import CourseValidator

    validator = CourseValidator()
    validator.config.Execute.timeout = 300
    validator.validate_all = True
    entries = validator.validate(str(path)).get("failed", [])
    assert not [e for e in entries if "student-check" in e["source"] or "NameError" in e["error"]], entries


def test_nbgrader_validate_command_uses_the_course_validator(lab_root):
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate",
                           f"{course.RELEASE}/{ASSIGNMENTS[0]}/{ASSIGNMENTS[0]}.ipynb"],
                          cwd=lab_root, capture_output=True, text=True, timeout=300)
    assert "Written answer not given yet: Question 1" in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]


#: The lab's Validate, in a process where the grading and test layers' modules cannot be imported:
#: the student's environment (requirements.txt) is all the course's Validator needs.
STUDENT_ONLY = """
import json, logging, sys, types
for name in ("nh3", "celery", "redis", "kombu", "psycopg2", "latex2mathml", "pytest", "playwright"):
    sys.modules[name] = None
from nbgrader.server_extensions.validate_assignment import handlers
handler = types.SimpleNamespace(root_dir=".", log=logging.getLogger("validate"),
                                load_config=lambda: handlers.ValidateAssignmentHandler.load_config(None))
print(json.dumps(handlers.ValidateAssignmentHandler.validate_notebook(handler, sys.argv[1])))
"""


def test_validate_needs_only_the_students_environment(lab_root):
    import json

    done = subprocess.run([sys.executable, "-c", STUDENT_ONLY, f"{course.RELEASE}/{ASSIGNMENTS[-1]}/{ASSIGNMENTS[-1]}.ipynb"],
                          cwd=lab_root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["success"], answer
    assert any(e["source"].startswith("Written answer not given yet: Question 1") for e in answer["value"]["failed"])
