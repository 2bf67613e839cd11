"""Grades that follow their inputs, through the real commands, on PostgreSQL, locally and with a
Redis worker: a due date changed after grading, an extension granted and taken back, a penalty
waived, a changed test cell and a changed time limit. What a penalty depends on (the timestamp,
the due date, the extension, the waiver, the policy) is recomputed on every run without grading;
what the grade depends on (the tests, the configuration) is graded again.

The servers come from ``AUTOGRADER_TEST_POSTGRES_URL`` and ``AUTOGRADER_TEST_REDIS_URL``
(``.ci/run`` starts both); without them the tests are skipped, except on CI, where they fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import course, demo, late
from test_postgres import fresh_database, server_url
from test_workers import ASSIGNMENT, PATIENCE, Worker, broker_url, one_assignment_course

pytestmark = pytest.mark.xdist_group("late-changes")

DUE = "2026-10-05 17:00:00 UTC"
#: ada hands in a day and a half late (2 started days: 2 x 10 % of 15 points), cy half a day late.
TIMESTAMPS = {"ada": "2026-10-07 05:00:00.000000 UTC", "cy": "2026-10-06 05:00:00.000000 UTC"}


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m autograder ARGS`` in the course, as the docs write it."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=root, env=course.nbgrader_env(),
                          capture_output=True, text=True, timeout=PATIENCE, check=False)


def ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return done


def due(root: Path, db: str, when: str) -> None:
    """The due date, set as the docs say (`nbgrader db assignment add`)."""
    ok(subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "db", "assignment", "add", ASSIGNMENT,
                       f"--duedate={when}", f"--db={db}"], cwd=root, env=course.nbgrader_env(),
                      capture_output=True, text=True, timeout=PATIENCE, check=False))


def penalties(db: str) -> dict[str, float]:
    with Gradebook(db) as gradebook:
        return {s.student.id: float(s.late_submission_penalty or 0.0)
                for s in gradebook.find_assignment(ASSIGNMENT).submissions}


def graded_by_workers(done: subprocess.CompletedProcess) -> int:
    return int(re.search(r"(\d+) jobs graded by workers", done.stdout).group(1))


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory):
    """A course of two late students on a PostgreSQL gradebook (its URL in the environment, as the
    docs advise), and a Redis worker sharing the course folder."""
    root = one_assignment_course(tmp_path_factory.mktemp("late") / "course")
    for student, stamp in TIMESTAMPS.items():
        folder = root / course.SUBMITTED / student / ASSIGNMENT
        shutil.copytree(demo.DEMO / "submitted" / student / ASSIGNMENT, folder)
        (folder / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")
        # jobs of their own (a job id hashes the hand-in): graded by the worker, not found done in Redis
        (folder / "notes.txt").write_text(f"late-changes {time.time()}\n", encoding="utf-8")
    # cy answers a written question, which waits for a grader
    path = root / course.SUBMITTED / "cy" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    answer = next(c for c in nb.cells if c.cell_type == "markdown" and course.nbgrader_meta(c).get("solution"))
    answer.source = "A person sees the same rocket; the computer compares the pixels one by one."
    nbformat.write(nb, path)
    url = broker_url()
    with fresh_database(server_url()) as db:
        due(root, db, DUE)
        worker = Worker(root, url, root.parent / "worker.log")
        try:
            worker.wait_for(" ready.")
            yield {"root": root, "db": db, "broker": url}
        finally:
            worker.stop()


def test_penalties_follow_due_dates_extensions_and_waivers_without_grading(term: dict):
    root, db, broker = term["root"], term["db"], term["broker"]
    local = ok(run(root, "grade", "--db", db, "--quiet"))
    assert penalties(db) == {"ada": 3.0, "cy": 1.5}
    summary = (root / course.REPORTS / "summary.txt").read_text(encoding="utf-8")
    assert "ada 01_translation: late by 1 day 12 h: penalty 3" in summary, local.stdout
    assert "cy 01_translation: late by 12 h: penalty 1.5" in summary
    first = ok(run(root, "grade", "--db", db, "--broker", broker, "--quiet"))
    assert graded_by_workers(first) == 2   # the workers' ledger starts empty
    again = ok(run(root, "grade", "--db", db, "--broker", broker, "--quiet"))
    assert graded_by_workers(again) == 0 and "2 unchanged since the last run" in again.stdout

    # the due date moves a day later after grading: cy is on time, ada half a day late
    due(root, db, "2026-10-06 17:00:00 UTC")
    moved = ok(run(root, "grade", "--db", db, "--broker", broker, "--quiet"))
    assert graded_by_workers(moved) == 0
    assert penalties(db) == {"ada": 1.5, "cy": 0.0}
    summary = (root / course.REPORTS / "summary.txt").read_text(encoding="utf-8")
    assert "late by 12 h: penalty 1.5" in summary and "cy 01_translation: late" not in summary

    # an extension through the CLI applies at once (reports rewritten), and a rerun keeps it
    granted = ok(run(root, "extension", "ada", ASSIGNMENT, "--hours", "13", "--db", db))
    assert "ada 01_translation/01_translation: late penalty 1.5 -> 0" in granted.stdout
    assert penalties(db) == {"ada": 0.0, "cy": 0.0}
    assert ok(run(root, "grade", "--db", db, "--broker", broker, "--quiet")) and penalties(db)["ada"] == 0.0
    ok(run(root, "extension", "ada", ASSIGNMENT, "--undo", "--db", db))
    assert penalties(db)["ada"] == 1.5

    # a waiver, and its undo
    ok(run(root, "waive", "ada", ASSIGNMENT, "--db", db))
    assert penalties(db)["ada"] == 0.0
    assert "penalty waived" in (root / course.REPORTS / "summary.txt").read_text(encoding="utf-8")
    ok(run(root, "waive", "ada", ASSIGNMENT, "--undo", "--db", db))
    assert penalties(db)["ada"] == 1.5

    # the status names who is late, by how much, and the written answers still to grade
    status = ok(run(root, "status", "--db", db)).stdout
    assert re.search(r"ada: late by 12 h: penalty 1\.5", status), status
    assert "written answers to grade" in status and "cy: 01_translation/" in status
    assert "reports/ is up to date" in status

    # the LMS export waits for cy's written answer to be graded, unless told otherwise
    roster = root.parent / "roster.csv"
    roster.write_text("student_id,lms_id,name\nada,S1,Ada Lovelace\ncy,S3,Cy Cyrus\n", encoding="utf-8")
    refused = run(root, "export", "--lms", "canvas", "--roster", str(roster), "--db", db)
    assert refused.returncode == 2 and f"cy {ASSIGNMENT}: {ASSIGNMENT}/" in refused.stderr, refused.stderr
    assert not (root / course.REPORTS / "canvas-grades.csv").exists()
    ok(run(root, "export", "--lms", "canvas", "--roster", str(roster), "--db", db, "--allow-ungraded"))
    assert f"{ASSIGNMENT} not graded yet" in (root / course.REPORTS / "canvas-grades.csv").read_text(encoding="utf-8")


def test_what_a_grade_depends_on_is_graded_again(term: dict):
    root, db, broker = term["root"], term["db"], term["broker"]
    ok(run(root, "grade", "--db", db, "--broker", broker, "--quiet"))
    # a test cell changes (a comment is enough: the hidden tests are what the students are graded on)
    path = root / course.SOURCE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if course.is_autograded_test(c))
    cell.source += "\n# checked again"
    nbformat.write(nb, path)
    assert graded_by_workers(ok(run(root, "grade", "--db", db, "--broker", broker, "--quiet"))) == 2
    # the time limit, in the file the top-level configuration loads
    config = root / "autograder" / "nbgrader_config.py"
    config.write_text(config.read_text(encoding="utf-8").replace("c.SandboxedExecute.timeout = 120",
                                                                  "c.SandboxedExecute.timeout = 100"))
    assert graded_by_workers(ok(run(root, "grade", "--db", db, "--broker", broker, "--quiet"))) == 2
    # the late policy does not change a grade: no job, and the penalties follow
    config.write_text(config.read_text(encoding="utf-8").replace("c.PenaltyPerDay.fraction_per_day = 0.1",
                                                                  "c.PenaltyPerDay.fraction_per_day = 0.2"))
    policy = ok(run(root, "grade", "--db", db, "--broker", broker, "--quiet"))
    assert graded_by_workers(policy) == 0
    assert penalties(db)["ada"] == 3.0


def test_exceptions_are_checked():
    assert late.parse_extension(days=1, hours=12) == 36 * 3600
    for bad in ((None, None), (0, 0), (-1, None), (float("nan"), None), (float("inf"), None)):
        with pytest.raises(ValueError, match="positive number"):
            late.parse_extension(*bad)


def test_an_extension_for_an_assignment_without_a_due_date_changes_nothing(tmp_path: Path):
    """nbgrader adds an extension to the due date; without a due date there is nothing to extend
    (and nbgrader's own arithmetic would fail on it)."""
    from nbgrader.api import Gradebook as Book

    from autograder import alembic_head

    alembic_head.install()   # a new gradebook without nbgrader's alembic subprocess
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Book(db) as book:
        book.update_or_create_assignment(ASSIGNMENT)
        book.add_student("ada")
        book.add_submission(ASSIGNMENT, "ada", timestamp=None)
    kept = late.Exceptions()
    kept.extensions[("ada", ASSIGNMENT)] = late.parse_extension(hours=3)
    kept.save(tmp_path)
    assert late.apply(tmp_path, db) == [] and late.lateness(tmp_path, db) == {}


def test_a_broken_exceptions_file_is_named(tmp_path: Path):
    (tmp_path / late.EXCEPTIONS_FILE).write_text("{not json")
    with pytest.raises(ValueError, match=late.EXCEPTIONS_FILE):
        late.Exceptions.load(tmp_path)
