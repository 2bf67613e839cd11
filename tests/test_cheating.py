"""Grades a student cannot fake.

Each file in ``tests/cheats/`` is a solution cell written by a student who cheats: the first
line names the function it replaces (``# cheats: translate``), the code implements that
function wrongly and tries to make the grader believe otherwise (patching NumPy or the
course's checks, objects that equal anything, reading the caller's frames or the disk for
the answers, fake result files, fake modules). For every assignment with cheats, one class
is graded with the real ``python -m autograder grade``: one student per cheat (the reference
solution in every other cell) and an honest student with the reference solution. Every cheat
must score zero on every test cell of the function it cheats, and the honest student must
keep exactly full marks in the same batch.

Run one assignment's class: ``pytest tests/test_cheating.py -k 03_invariance``.
"""

from __future__ import annotations

import csv
import functools
import itertools
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from autograder import course
from conftest import ROOT, copy_course, submission
from test_grading import home_assignments

CHEATS = ROOT / "tests" / "cheats"
HEADER = re.compile(r"#\s*cheats:\s*(\w+)\s*$")
HONEST = "honest"
#: Part of the name of every file a cheat tries to leave outside its sandbox.
MARKER = "fake_by_cheat"


def cheated_function(path: Path) -> str:
    """The function named in the cheat's first line, ``# cheats: <function>``."""
    first = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
    match = HEADER.fullmatch(first.strip())
    assert match, f"{path.name} must start with '# cheats: <function>', not {first!r}"
    return match.group(1)


@functools.cache
def cheats() -> dict[str, tuple[str, str]]:
    """Cheat (student id) -> (the function it cheats, that function's assignment)."""
    homes = home_assignments()
    found = {}
    for path in sorted(CHEATS.glob("*.py")):
        assert path.stem != HONEST, f"{HONEST} is the honest student's id, not a cheat's"
        function = cheated_function(path)
        assert function in homes, f"{path.name} cheats {function!r}, which no notebook grades"
        found[path.stem] = (function, homes[function][0])
    return found


def class_for(assignment: str) -> list[str]:
    return [HONEST, *(name for name, (_, home) in cheats().items() if home == assignment)]


ASSIGNMENTS = sorted({home for _, home in cheats().values()})


@functools.cache
def graded(assignment: str, workdir: str) -> tuple[dict[str, dict[str, tuple[float, float]]], str, Path]:
    """Grade the assignment's class once: student -> cell -> (score, max_score), the summary
    report, and the course folder. The scratch course holds only this assignment (grading
    registers every assignment of a course, which would only cost time here)."""
    root = copy_course(Path(workdir) / assignment)
    for other in course.assignments(root):
        if other != assignment:
            shutil.rmtree(root / course.SOURCE / other)
            shutil.rmtree(root / course.RELEASE / other, ignore_errors=True)
    (notebook,) = [p.stem for p in course.source_notebooks(ROOT, assignment)]
    for student in class_for(assignment):
        replace = {} if student == HONEST else {cheats()[student][0]: (CHEATS / f"{student}.py").read_text()}
        folder = root / course.SUBMITTED / student / assignment
        folder.mkdir(parents=True)
        (folder / f"{notebook}.ipynb").write_text(submission(assignment, notebook, replace))

    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade", "--quiet"],
                          capture_output=True, text=True, check=False, timeout=3000)
    assert done.returncode == 0, done.stderr[-3000:]
    scores: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    with (root / course.REPORTS / "grades.csv").open() as handle:
        for row in csv.DictReader(handle):
            assert row["assignment"] == assignment, row
            scores[row["student_id"]][row["cell"]] = (float(row["score"]), float(row["max_score"]))
    return scores, (root / course.REPORTS / "summary.txt").read_text(), root


def summary_of(summary: str, student: str) -> str:
    """The student's block of the summary report (total, cells below full marks, problems)."""
    first, *rest = summary.split(f"\n{student}:", 1)[1].splitlines()
    return "\n".join([f"{student}:{first}", *itertools.takewhile(lambda line: line.startswith("    "), rest)])


def expected_cells(assignment: str) -> dict[str, float]:
    return {c.cell: c.max_score for c in course.test_cells(ROOT, assignment)}


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("cheating"))


# one xdist group per class, so that each class is graded once, by one worker
CASES = [pytest.param(assignment, name, id=f"{assignment}:{name}", marks=pytest.mark.xdist_group(f"cheats-{assignment}"))
         for assignment in ASSIGNMENTS for name in class_for(assignment)[1:]]
CLASSES = [pytest.param(a, id=a, marks=pytest.mark.xdist_group(f"cheats-{a}")) for a in ASSIGNMENTS]


def test_every_cheat_names_its_function():
    assert cheats(), f"no cheats in {CHEATS}"
    for name, (function, _) in cheats().items():
        assert re.search(rf"^def {function}\(", (CHEATS / f"{name}.py").read_text(), re.MULTILINE), \
            f"{name}.py says it cheats {function} but does not define it"


@pytest.mark.parametrize("assignment", CLASSES)
def test_honest_student_keeps_full_marks(assignment, workdir):
    scores, summary, _ = graded(assignment, workdir)
    assert scores[HONEST] == {cell: (points, points) for cell, points in expected_cells(assignment).items()}, \
        summary_of(summary, HONEST)


@pytest.mark.parametrize(("assignment", "cheat"), CASES)
def test_cheat_scores_zero(assignment, cheat, workdir):
    scores, summary, _ = graded(assignment, workdir)
    function = cheats()[cheat][0]
    cells = scores[cheat]
    assert set(cells) == set(expected_cells(assignment)), "grades.csv must have one row per autograded test cell"
    own = {cell: score for cell, (score, _) in cells.items() if cell.startswith(f"test_{function}_")}
    assert own, f"no test cells for {function}"
    faked = {cell: score for cell, score in own.items() if score != 0}
    assert not faked, f"{cheat} scores points on {function} without implementing it: {faked}\n" \
                      f"{summary_of(summary, cheat)}"


def _live_scratch_of_another_grading(path: Path) -> bool:
    """``path`` lies in a sandbox's scratch folder (``/tmp/autograder-*/``, holding the kernel's
    ``work/``) of a grading that is still running."""
    scratch = Path("/tmp") / path.relative_to("/tmp").parts[0] if path.is_relative_to("/tmp") else None
    return bool(scratch and scratch.name.startswith("autograder-") and (scratch / "work").is_dir()
                and os.environ.get("PYTEST_XDIST_WORKER"))


def _marked_in_tmp() -> list[Path]:
    """Everything named ``*fake_by_cheat*`` in ``/tmp`` and one folder below it. Other tests
    running beside this one make and remove temporary folders there all the time: a folder gone
    between being listed and being read is skipped (``Path.glob`` would raise)."""
    found = []
    for entry in os.scandir("/tmp"):
        if MARKER in entry.name:
            found.append(Path(entry.path))
        try:
            if entry.is_dir(follow_symlinks=False):
                found += [Path(inner.path) for inner in os.scandir(entry.path) if MARKER in inner.name]
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
    return found


@pytest.mark.parametrize("assignment", CLASSES)
def test_cheats_leave_no_files_behind(assignment, workdir):
    """What the cheats write (fake grades.csv, autograded notebooks, marker files) stays in
    their sandbox: nothing named ``fake_by_cheat`` in the course folder, its parent, the
    system's temporary folder or the home folder, and the course's reports are the grader's."""
    scores, _, root = graded(assignment, workdir)
    places = [*root.rglob(f"*{MARKER}*"), *root.parent.glob(f"*{MARKER}*"), *_marked_in_tmp(),
              *Path(os.path.expanduser("~")).glob(f"*{MARKER}*")]
    # A grading running beside this test (another class of this file, the demo) has its sandboxes'
    # scratch folders in /tmp while it runs: what its cheats write there is inside their sandbox.
    # This test's own gradings are over, and their scratch folders were removed with them.
    places = [p for p in places if not _live_scratch_of_another_grading(p)]
    assert not places, f"files written by cheats outside their sandbox: {places}"
    assert set(scores) == set(class_for(assignment)), "grades.csv lists exactly the class"
