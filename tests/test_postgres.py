"""The gradebook in PostgreSQL grades exactly like the default sqlite one.

A small class (the reference solution and the released stub of one assignment) is graded
twice with ``python -m autograder grade``: with the default sqlite gradebook, and with
``--db`` pointing at a PostgreSQL database created for this run (and dropped after). Both
runs must write the same ``reports/grades.csv``, and the PostgreSQL gradebook must hold
the scores.

The server comes from ``AUTOGRADER_TEST_POSTGRES_URL`` (``.ci/postgres`` starts one and
prints it; ``.ci/run`` sets it). Without it the test is skipped, except on CI (``CI`` set),
where it fails, so that CI never passes without having tested PostgreSQL.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder import course
from conftest import ROOT, copy_course, submission

ASSIGNMENT = "01_translation"
STUDENTS = {"reference": {}, "stub": None}   # student id -> replace= of conftest.submission
URL_VARIABLE = "AUTOGRADER_TEST_POSTGRES_URL"

pytestmark = pytest.mark.xdist_group("postgres")


def server_url() -> str:
    """The PostgreSQL server to test against; skips (fails on CI) when there is none."""
    url = os.environ.get(URL_VARIABLE)
    if not url:
        why = f"{URL_VARIABLE} is not set (run .ci/postgres and export the URL it prints)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; on CI the PostgreSQL test must run, not be skipped")
        pytest.skip(why)
    return url


@contextlib.contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """The URL of a new, empty database on the server at ``url``, dropped afterwards."""
    import psycopg2
    from sqlalchemy.engine import make_url

    server = make_url(url)
    name = f"autograder_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(host=server.host, port=server.port, user=server.username,
                             password=server.password, dbname=server.database)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


def one_assignment_class(root: Path) -> tuple[Path, str]:
    """A scratch course with only ASSIGNMENT, and a submission for each of STUDENTS."""
    copy_course(root)
    for folder in (course.SOURCE, course.RELEASE):
        for other in (root / folder).iterdir():
            if other.is_dir() and other.name != ASSIGNMENT:
                shutil.rmtree(other)
    (notebook,) = [p.stem for p in course.source_notebooks(ROOT, ASSIGNMENT)]
    for student, replace in STUDENTS.items():
        folder = root / course.SUBMITTED / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{notebook}.ipynb").write_text(submission(ASSIGNMENT, notebook, replace))
    return root, notebook


def grade(root: Path, *db: str) -> list[dict[str, str]]:
    """Grade the course at ``root`` (``db``: ``--db URL`` or nothing); the rows of grades.csv."""
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade", "-j", "2", "--quiet", *db],
                          env=dict(course.nbgrader_env(), OPENBLAS_NUM_THREADS="1"),
                          capture_output=True, text=True, check=False, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    with (root / course.REPORTS / "grades.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_postgres_gradebook_grades_like_sqlite(tmp_path):
    with fresh_database(server_url()) as postgres_url:
        check_grading(postgres_url, tmp_path)


def check_grading(postgres_url: str, tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    sqlite_root, notebook = one_assignment_class(tmp_path / "sqlite")
    postgres_root, _ = one_assignment_class(tmp_path / "postgres")
    sqlite_rows = grade(sqlite_root)
    postgres_rows = grade(postgres_root, "--db", postgres_url)

    assert (postgres_root / course.REPORTS / "grades.csv").read_bytes() == \
        (sqlite_root / course.REPORTS / "grades.csv").read_bytes(), "sqlite and PostgreSQL grade differently"
    assert (sqlite_root / "gradebook.db").is_file()
    assert not (postgres_root / "gradebook.db").exists(), "with --db, nothing may go to a sqlite gradebook"

    cells = {c.cell for c in course.test_cells(ROOT, ASSIGNMENT)}
    for student in STUDENTS:
        rows = [r for r in postgres_rows if r["student_id"] == student]
        assert {r["cell"] for r in rows} == cells, f"{student}: one row per autograded test cell"
        if student == "reference":
            assert all(float(r["score"]) == float(r["max_score"]) > 0 for r in rows), f"the solution loses points: {rows}"
        else:
            assert all(float(r["score"]) == 0 for r in rows), f"the empty stub scores points: {rows}"
    assert sqlite_rows == postgres_rows

    with Gradebook(postgres_url) as gradebook:
        assert gradebook.engine.dialect.name == "postgresql"
        assert {s.id for s in gradebook.students} == set(STUDENTS)
        for row in postgres_rows:
            stored = gradebook.find_grade(row["cell"], notebook, ASSIGNMENT, row["student_id"])
            assert stored.auto_score == float(row["score"]), f"gradebook disagrees with grades.csv on {row}"
            assert stored.max_score == float(row["max_score"])
