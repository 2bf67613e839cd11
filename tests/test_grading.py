"""The tests are proven through the real grading path.

For every assignment, a scratch class is graded with ``python -m autograder grade``:
the reference solution (full marks), the released stub (zero), and one submission per
file in ``tests/submissions/<function>/`` (that implementation in place of the
function's solution cell, the reference solution everywhere else). ``wrong_*``
implementations must lose points on their function's test cells; ``ok_*`` alternatives
must keep full marks. Broken submissions in the same class must not disturb the rest.

Grading skips the display-only cells it does not need (autograder/cellplan.py). The
equivalence test grades a sample (the reference, the stub, one student with a wrong
implementation of every function at once, one correct alternative, and the correct
alternatives that reuse a display cell's variables) again with every cell executed and requires
the same score on every test cell; ``bench/bench_equivalence.py`` (``make bench``) does it for
every fixture.

Each scratch course holds only the assignment it grades, so nbgrader registers one assignment.

By default the real path grades that sample only (plus the broken submissions): every
fixture is proven against the same test cells, hidden tests included, in-process by
``tests/test_hints.py`` (wrong ones fail a cell, correct alternatives pass every cell), and the
sample shows that the real grader agrees. ``make test-every-fixture`` (environment variable
``AUTOGRADER_GRADE_EVERY_FIXTURE=1``) grades every fixture through the real path as well.

Run one assignment's class: ``pytest tests/test_grading.py -k 02_equivariance``.
"""

from __future__ import annotations

import csv
import functools
import itertools
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from autograder import cellplan, course
from conftest import ROOT, copy_course, read, solution_cells, submission

SUBMISSIONS = ROOT / "tests" / "submissions"
#: Grade every fixture through the real path, not only the sample (see the module's docstring).
EVERY_FIXTURE = os.environ.get("AUTOGRADER_GRADE_EVERY_FIXTURE") == "1"


def home_assignments() -> dict[str, tuple[str, Path]]:
    """Each graded function -> the first assignment (and notebook) that defines it."""
    homes: dict[str, tuple[str, Path]] = {}
    for assignment in course.assignments(ROOT):
        for path in course.source_notebooks(ROOT, assignment):
            for name in solution_cells(read(path)):
                homes.setdefault(name, (assignment, path))
    return homes


def implementations(function: str) -> list[Path]:
    return sorted((SUBMISSIONS / function).glob("*.py"))


#: The student who hands in the first wrong implementation of EVERY function of the assignment.
ALL_WRONG = "every_function_wrong"


def first_wrong(assignment: str) -> dict[str, str]:
    """function -> the student id of its first wrong implementation, for the assignment's functions."""
    kinds = class_for_unordered(assignment)
    return {function: next(s for s in kinds if kinds[s] == ("wrong", function))
            for function in sorted({f for _, f in kinds.values() if f})}


def sample(assignment: str) -> list[str]:
    """The students the real grader grades by default, on the fast path and again with every
    cell executed: the reference, the stub, one student with the first wrong implementation of
    every function at once, the first correct alternative, and the correct alternatives that
    read a display cell's variables. (Each wrong implementation on its own is proven against
    the same test cells by ``tests/test_hints.py``, and through the real grader by
    ``make test-every-fixture``.)"""
    kinds = class_for_unordered(assignment)
    students = list(kinds)
    chosen = ["reference", "stub", ALL_WRONG]
    chosen.append(next(s for s in students if kinds[s][0] == "ok"))
    chosen += [s for s in students if "__ok_reuses_demo_variable" in s and s not in chosen]
    return chosen


def every_cell_sample(assignment: str) -> list[str]:
    """The students graded again with every cell executed: the reference and the student with
    every function wrong (so every function runs both ways, right and wrong, through every
    demonstration), and the correct alternatives that read a display cell's variables, the
    cases the skipping must get right. The stub and the other correct alternatives take the
    fast path only here; ``bench/bench_equivalence.py`` grades them and every other fixture
    both ways. (Each student on this path runs every demonstration: about 30 s of CPU for
    notebook 5, which trains its networks there.)"""
    return ["reference", ALL_WRONG, *(s for s in sample(assignment) if "__ok_reuses_demo_variable" in s)]


@functools.cache
def class_for_unordered(assignment: str) -> dict[str, tuple[str, str | None]]:
    students: dict[str, tuple[str, str | None]] = {"reference": ("reference", None), "stub": ("stub", None),
                                                   ALL_WRONG: ("all_wrong", None)}
    for function, (home, _) in sorted(home_assignments().items()):
        if home == assignment:
            for path in implementations(function):
                kind = "ok" if path.stem.startswith("ok_") else "wrong"
                students[f"{function}__{path.stem}"] = (kind, function)
    return students


@functools.cache
def class_for(assignment: str) -> dict[str, tuple[str, str | None]]:
    """student id -> (kind, function) for one assignment's scratch class: the equivalence
    sample first (so that it is graded in group 0), then, with ``EVERY_FIXTURE``, the rest."""
    students = class_for_unordered(assignment)
    rest = [s for s in students if s not in sample(assignment)] if EVERY_FIXTURE else []
    return {s: students[s] for s in sample(assignment) + rest}


#: Students per scratch class at most: a large class is split (in groups of nearly equal size)
#: so that the two test workers share it; each group costs one nbgrader registration.
GROUP_SIZE = 28


def groups(assignment: str) -> list[list[str]]:
    """The assignment's class in groups of at most GROUP_SIZE students, each graded on its own."""
    students = list(class_for(assignment))
    count = -(-len(students) // GROUP_SIZE)
    size = -(-len(students) // count)
    return [students[i:i + size] for i in range(0, len(students), size)]


def course_of(assignment: str, target: Path) -> Path:
    """A scratch course that holds only ``assignment`` (nbgrader registers one assignment)."""
    root = copy_course(target)
    for folder in (course.SOURCE, course.RELEASE):
        for other in (root / folder).iterdir():
            if other.is_dir() and other.name != assignment:
                shutil.rmtree(other)
    return root


def fixture_code(student: str) -> str:
    """The code of the fixture a student id ``<function>__<fixture>`` hands in."""
    function, fixture = student.split("__", 1)
    return (SUBMISSIONS / function / f"{fixture}.py").read_text()


def write_submissions(root: Path, assignment: str, students: list[str]) -> None:
    (notebook,) = [p.stem for p in course.source_notebooks(ROOT, assignment)]
    kinds = class_for(assignment)
    for student in students:
        kind, function = kinds[student]
        replace = None if kind == "stub" else {}
        if function is not None:
            replace = {function: fixture_code(student)}
        elif kind == "all_wrong":
            replace = {f: fixture_code(wrong) for f, wrong in first_wrong(assignment).items()}
        folder = root / course.SUBMITTED / student / assignment
        folder.mkdir(parents=True)
        (folder / f"{notebook}.ipynb").write_text(submission(assignment, notebook, replace))


def grade_course(root: Path, assignment: str) -> dict[str, dict[str, tuple[float, float]]]:
    """``python -m autograder grade`` on the scratch course; student -> cell -> (score, max)."""
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade", "--quiet"],
                          capture_output=True, text=True, check=False, timeout=3000)
    assert done.returncode == 0, done.stderr[-3000:]
    scores: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    with (root / course.REPORTS / "grades.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["assignment"] == assignment:
                scores[row["student_id"]][row["cell"]] = (float(row["score"]), float(row["max_score"]))
    return scores


@functools.cache
def graded(assignment: str, group: int, workdir: str) -> tuple[dict[str, dict[str, tuple[float, float]]], str]:
    """Grade one group of the assignment's class once. Returns student -> cell ->
    (score, max_score), and the summary report. Group 0 also holds two broken submissions."""
    root = course_of(assignment, Path(workdir) / f"{assignment}-{group}")
    (notebook,) = [p.stem for p in course.source_notebooks(ROOT, assignment)]
    folder = lambda student: root / course.SUBMITTED / student / assignment  # noqa: E731
    write_submissions(root, assignment, groups(assignment)[group])
    if group == 0:  # two broken submissions graded in the same batch
        folder("broken_json").mkdir(parents=True)
        (folder("broken_json") / f"{notebook}.ipynb").write_text('{"cells": [')
        folder("renamed").mkdir(parents=True)
        (folder("renamed") / f"{notebook} (1).ipynb").write_text(submission(assignment, notebook, {}))
    return grade_course(root, assignment), (root / course.REPORTS / "summary.txt").read_text()


# one xdist group per group of students, so that each group is graded once, by one worker
CASES = [pytest.param(a, g, s, *class_for(a)[s], id=f"{a}:{s}", marks=pytest.mark.xdist_group(f"{a}-{g}"))
         for a in course.assignments(ROOT) for g, students in enumerate(groups(a)) for s in students]
ASSIGNMENTS = [pytest.param(a, id=a, marks=pytest.mark.xdist_group(f"{a}-0")) for a in course.assignments(ROOT)]


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("classes"))


@pytest.mark.parametrize(("assignment", "group", "student", "kind", "function"), CASES)
def test_submission_scores_as_expected(assignment, group, student, kind, function, workdir):
    scores, _ = graded(assignment, group, workdir)
    cells = scores[student]
    expected_cells = {c.cell for c in course.test_cells(ROOT, assignment)}
    assert set(cells) == expected_cells, "grades.csv must have one row per autograded test cell"
    if kind == "reference":
        assert all(s == m for s, m in cells.values()), f"the solution loses points: {cells}"
    elif kind == "stub":
        assert all(s == 0 for s, _ in cells.values()), f"the empty stub scores points: {cells}"
    elif kind == "all_wrong":
        for wrong_function in first_wrong(assignment):
            own = {c: v for c, v in cells.items() if c.startswith(f"test_{wrong_function}_")}
            assert own and sum(s for s, _ in own.values()) < sum(m for _, m in own.values()), \
                f"{wrong_function} is wrong but keeps full marks: {own}"
    else:
        own = {c: v for c, v in cells.items() if c.startswith(f"test_{function}_")}
        assert own, f"no test cells for {function}"
        score, maximum = sum(s for s, _ in own.values()), sum(m for _, m in own.values())
        if kind == "ok":
            assert all(s == m for s, m in cells.values()), f"a correct alternative loses points: {cells}"
        else:
            assert score < maximum, f"{student} is wrong but keeps full marks on {function}: {own}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_broken_submissions_get_zero_with_a_reason(assignment, workdir):
    scores, summary = graded(assignment, 0, workdir)
    for student in ("broken_json", "renamed"):
        assert scores[student] and all(s == 0 for s, _ in scores[student].values())

    def block(student: str) -> str:
        first, *rest = summary.split(f"\n{student}:", 1)[1].splitlines()
        return "\n".join([first, *itertools.takewhile(lambda line: line.startswith("    "), rest)])

    assert "cannot be read" in block("broken_json"), block("broken_json")
    assert "missing from the submission" in block("renamed"), block("renamed")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_skipping_display_cells_changes_no_score(assignment, workdir):
    """The every-cell sample, graded again with every cell executed (as an instructor turns the
    fast path off: ``c.SandboxedExecute.skip_display_cells = False``), gets the same score on every
    cell as on the fast path."""
    fast, _ = graded(assignment, 0, workdir)
    root = course_of(assignment, Path(workdir) / f"{assignment}-every-cell")
    config = root / "autograder" / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.SandboxedExecute.skip_display_cells = False\n")
    write_submissions(root, assignment, every_cell_sample(assignment))
    full = grade_course(root, assignment)
    assert sorted(full) == sorted(every_cell_sample(assignment))
    for student in every_cell_sample(assignment):
        assert full[student] == fast[student], f"{student}: every cell {full[student]} vs fast path {fast[student]}"
    note = cellplan.SKIP_NOTE
    every_cell = root / "autograded" / "reference" / assignment
    assert note not in "".join(p.read_text() for p in every_cell.glob("*.ipynb"))
    # the fast path's autograded notebook (and so the feedback) says which cells were skipped
    fast_path = Path(workdir) / f"{assignment}-0" / "autograded" / "reference" / assignment
    assert note in "".join(p.read_text() for p in fast_path.glob("*.ipynb"))
