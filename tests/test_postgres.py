"""The gradebook in PostgreSQL grades exactly like the default sqlite one, and every command
uses the one the course configures.

A small class (the reference solution and the released stub of one assignment) is graded
twice with ``python -m autograder grade``: with the default sqlite gradebook, and with
``c.CourseDirectory.db_url`` in the course's ``nbgrader_config.py`` pointing at a PostgreSQL
database created for this run (and dropped after). Both runs must write the same
``reports/grades.csv``, and the PostgreSQL gradebook must hold the scores. A manual grade
given there then shows in ``export`` and ``feedback``, which read the same gradebook.

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


def autograder(root: Path, *args: str) -> str:
    """``python -m autograder --course ROOT ARGS``; its output (it must succeed)."""
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), *args],
                          env=dict(course.nbgrader_env(), OPENBLAS_NUM_THREADS="1"),
                          capture_output=True, text=True, check=False, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def grade(root: Path, *db: str) -> list[dict[str, str]]:
    """Grade the course at ``root`` (``db``: ``--db URL`` or nothing); the rows of grades.csv."""
    autograder(root, "grade", "-j", "2", "--quiet", *db)
    with (root / course.REPORTS / "grades.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_postgres_gradebook_grades_like_sqlite(tmp_path):
    with fresh_database(server_url()) as postgres_url:
        check_grading(postgres_url, tmp_path)


def check_grading(postgres_url: str, tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    sqlite_root, notebook = one_assignment_class(tmp_path / "sqlite")
    postgres_root, _ = one_assignment_class(tmp_path / "postgres")
    with (postgres_root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(f"\nc.CourseDirectory.db_url = {postgres_url!r}\n")
    sqlite_rows = grade(sqlite_root)
    postgres_rows = grade(postgres_root)   # no --db: the configured gradebook

    assert (postgres_root / course.REPORTS / "grades.csv").read_bytes() == \
        (sqlite_root / course.REPORTS / "grades.csv").read_bytes(), "sqlite and PostgreSQL grade differently"
    assert (sqlite_root / "gradebook.db").is_file()
    assert not (postgres_root / "gradebook.db").exists(), "with db_url configured, nothing may go to sqlite"

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
        # the instructor overrides one autograded score by hand (as formgrader does): 10 -> 8
        overridden = gradebook.find_grade("test_translate_basic", notebook, ASSIGNMENT, "reference")
        assert overridden.auto_score == 3.0
        overridden.manual_score = 1.0
        gradebook.db.commit()

    # export and feedback read the configured PostgreSQL gradebook, without --db
    assert "wrote" in autograder(postgres_root, "export")
    with (postgres_root / course.REPORTS / "gradebook.csv").open(newline="") as handle:
        exported = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] == ASSIGNMENT}
    assert float(exported["reference"]["raw_score"]) == 8.0, exported["reference"]
    autograder(postgres_root, "feedback")
    page = (postgres_root / "feedback" / "reference" / ASSIGNMENT / f"{notebook}.html").read_text(encoding="utf-8")
    assert "8.0 / 15.0" in page, "the feedback does not show the manual grade"
    assert not (postgres_root / "gradebook.db").exists(), "export and feedback may not make a sqlite gradebook"
    # the LMS files come from the same PostgreSQL gradebook: the manual grade, the stub's zero, and an
    # empty cell for a student on the roster who handed nothing in
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id,name\nreference,S1,\"Ref, Erence\"\nstub,S2,Stub\nabsent,S3,Absent\n",
                      encoding="utf-8")
    for system, id_column, score_column in (("canvas", "SIS User ID", ASSIGNMENT), ("moodle", "ID number", ASSIGNMENT)):
        assert "wrote" in autograder(postgres_root, "export", "--lms", system, "--roster", str(roster))
        with (postgres_root / course.REPORTS / f"{system}-grades.csv").open(newline="", encoding="utf-8") as handle:
            lms_rows = {r[id_column]: r for r in csv.DictReader(handle) if r.get(id_column)}
        assert {k: lms_rows[k][score_column] for k in ("S1", "S2", "S3")} == {"S1": "8", "S2": "0", "S3": ""}, lms_rows
    # --db wins over the configuration: the sqlite course's own gradebook, from the PostgreSQL course
    autograder(postgres_root, "export", "--db", course.db_url(sqlite_root))
    with (postgres_root / course.REPORTS / "gradebook.csv").open(newline="") as handle:
        exported = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] == ASSIGNMENT}
    assert float(exported["reference"]["raw_score"]) == 10.0, exported["reference"]
