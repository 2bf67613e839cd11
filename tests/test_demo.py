"""The demo class, graded as an instructor would: exact scores, and the broken and hostile
submissions handled without stopping the batch or touching anyone else's grades."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

from autograder import course, demo
from conftest import ROOT

EXPECTED = demo.DEMO / "expected_scores.csv"
pytestmark = pytest.mark.xdist_group("demo")


def totals(grades: Path) -> dict[tuple[str, str], float]:
    """(student, assignment) -> autograded score, from a reports/grades.csv."""
    scores: dict[tuple[str, str], float] = defaultdict(float)
    with grades.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            scores[(row["student_id"], row["assignment"])] += float(row["score"])
    return dict(scores)


def expected() -> dict[tuple[str, str], float]:
    with EXPECTED.open(encoding="utf-8") as handle:
        return {(row["student_id"], row["assignment"]): float(row["score"]) for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def demo_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m autograder demo``, run as ``make demo-grade`` runs it, from a clean state."""
    workspace = tmp_path_factory.mktemp("demo")
    # the command works in <course>/artifacts/demo-course: give it a course of its own
    root = demo.copy_course(ROOT, workspace / "course")
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "demo"],
                          env=course.nbgrader_env(), capture_output=True, text=True, timeout=3000, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "artifacts" / "demo-course"


def test_demo_submissions_are_in_sync_with_the_notebooks():
    """The committed demo submissions are what ``python -m autograder demo --rebuild`` writes."""
    built = demo.build(ROOT)
    stored = {str(p.relative_to(demo.DEMO / "submitted")): p.read_text(encoding="utf-8")
              for p in (demo.DEMO / "submitted").rglob("*.ipynb")}
    assert sorted(stored) == sorted(built), "run: python -m autograder demo --rebuild"
    stale = [name for name in built if stored[name] != built[name]]
    assert not stale, f"stale demo submissions {stale}: run python -m autograder demo --rebuild"


def test_demo_class_gets_exactly_the_expected_scores(demo_course: Path):
    got = totals(demo_course / course.REPORTS / "grades.csv")
    assert got == expected()


def test_every_student_has_a_row_for_every_test_cell(demo_course: Path):
    with (demo_course / course.REPORTS / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cells = [c for a in course.assignments(demo_course) for c in course.test_cells(demo_course, a)]
    for student in ("ada", "ben", "cy", "dee", "eve"):
        mine = [(r["assignment"], r["cell"]) for r in rows if r["student_id"] == student]
        assert mine == [(c.assignment, c.cell) for c in cells]


def test_summary_gives_the_reasons(demo_course: Path):
    summary = (demo_course / course.REPORTS / "summary.txt").read_text(encoding="utf-8")
    dee = summary.split("\ndee:")[1].split("\neve:")[0]
    assert "01_translation.ipynb cannot be read" in dee
    assert "02_equivariance.ipynb missing from the submission (found: 02_equivariance_final.ipynb)" in dee
    assert "repeated the id 'max_pool2d'" in dee
    assert "ran out of time" in dee and "kernel died" in dee
    cy = summary.split("\ncy:")[1].split("\ndee:")[0]
    assert "test_translate_basic" in cy and "AssertionError" in cy


def _outputs(path: Path, marker: str) -> str:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and marker in c.source)
    return "".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs)


def test_hostile_code_sees_and_changes_nothing_outside_its_sandbox(demo_course: Path):
    spy = _outputs(demo_course / "autograded" / "eve" / "01_translation" / "01_translation.ipynb", "what can I see")
    for pattern in ("solutions", "gradebook.db", "submitted"):
        assert f"{pattern}" in spy  # the patterns were tried ...
    for line in spy.splitlines():
        if "->" in line and ("solutions" in line.split("->")[0] or "gradebook" in line.split("->")[0]
                             or "submitted" in line.split("->")[0]):
            assert line.split("->")[1].strip() == "[]", line   # ... and found nothing
    assert "could not write /tmp/autograder-" in spy   # not even above its own work folder
    # the gradebook is intact and holds every student
    with sqlite3.connect(demo_course / "gradebook.db") as db:
        students = {row[0] for row in db.execute("select id from student")}
    assert students == {"ada", "ben", "cy", "dee", "eve"}
    assert not (demo_course / "autograded" / "eve" / "01_translation" / "gradebook.db").exists()


def test_resource_limits_hold(demo_course: Path):
    memory = _outputs(demo_course / "autograded" / "eve" / "02_equivariance" / "02_equivariance.ipynb", "1_000_000_000")
    assert "memory limit" in memory and len(memory) < 200_000
    processes = _outputs(demo_course / "autograded" / "eve" / "03_invariance" / "03_invariance.ipynb", "sleep")
    assert "started" in processes and "Resource temporarily unavailable" in processes


def test_parallel_and_sequential_grading_agree(demo_course: Path, tmp_path: Path):
    """Grading the demo class's first assignment with one worker gives the same grades.csv
    rows as the parallel run."""
    root = demo.copy_course(ROOT, tmp_path / "course")
    for assignment in course.assignments(root)[1:]:
        for folder in (course.SOURCE, course.RELEASE):
            subprocess.run(["rm", "-rf", str(root / folder / assignment)], check=True)
    first = course.assignments(root)[0]
    for student in ("ada", "ben", "cy", "dee", "eve"):
        source = demo.DEMO / "submitted" / student / first
        target = root / course.SUBMITTED / student / first
        target.parent.mkdir(parents=True)
        subprocess.run(["cp", "-r", str(source), str(target)], check=True)
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade", "-j", "1", "--quiet"],
                          env=course.nbgrader_env(), capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    with (root / course.REPORTS / "grades.csv").open(encoding="utf-8") as handle:
        sequential = list(csv.reader(handle))
    with (demo_course / course.REPORTS / "grades.csv").open(encoding="utf-8") as handle:
        parallel = [row for row in csv.reader(handle) if row[1] in ("assignment", first)]
    assert sequential == parallel


def test_feedback_does_not_reveal_hidden_tests(demo_course: Path):
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(demo_course), "feedback"],
                          env=course.nbgrader_env(), capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    pages = sorted((demo_course / "feedback").rglob("*.html"))
    assert {p.parts[-3] for p in pages} == {"ada", "ben", "cy", "dee", "eve"}
    cy = (demo_course / "feedback" / "cy" / "01_translation" / "01_translation.html").read_text(encoding="utf-8")
    assert "test_translate_basic" in cy or "translate(image, 1, 2)" in cy   # the visible tests are shown
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for secret in ("BEGIN HIDDEN TESTS", "_reference_"):
            assert secret not in html, f"{page} shows hidden test source ({secret!r})"


def test_export_writes_the_gradebook_table(demo_course: Path):
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(demo_course), "export"],
                          env=course.nbgrader_env(), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    with (demo_course / course.REPORTS / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["student_id"] for r in rows} == {"ada", "ben", "cy", "dee", "eve"}
    ada = [r for r in rows if r["student_id"] == "ada" and r["assignment"] == "01_translation"]
    assert float(ada[0]["raw_score"]) == 10.0
