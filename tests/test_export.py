"""Grades out of the gradebook: ``export --lms canvas|moodle`` checked against the import rules
Canvas and Moodle document, the plain ``export``, due dates and the late penalty.

The rules below are those of the LMSs' grade importers (cited in the README): Canvas's
gradebook import (``lib/gradebook_importer.rb`` of canvas-lms and its instructor guides) and
Moodle's CSV grade import (``grade/import/csv`` and docs.moodle.org "Grade import"). The files
were not imported into a live Canvas or Moodle here."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc

from autograder import course, demo, late, lms
from test_feedback import GRADED, build_graded_class, run

pytestmark = pytest.mark.xdist_group("tiny-class")

ROSTER = "student_id,lms_id,name,email\nada,S1001,\"Lovelace, Ada\",ada@example.edu\n" \
         "cy,S1003,\"Cyrus, Cy\",cy@example.edu\nfay,S1006,\"Fay, Fay\",fay@example.edu\n"
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse(path: Path) -> list[list[str]]:
    """The file as both LMSs read it: UTF-8, comma-separated, RFC 4180 quoting."""
    text = path.read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


def canvas_violations(rows: list[list[str]]) -> list[str]:
    """What Canvas's gradebook importer would reject or misread in these rows."""
    found = []
    header = rows[0]
    if not (len(header) > 3 and "Student" in header[0] and "ID" in header[1]):
        found.append("the header must start with Student, ID")
    if header[2:4] != ["SIS User ID", "SIS Login ID"] or "Section" not in header[4]:
        found.append("Student, ID must be followed by SIS User ID, SIS Login ID, Section")
    if len(set(header)) != len(header):
        found.append("repeated column names")
    if any(len(row) != len(header) for row in rows):
        found.append("rows of different lengths")
    assignments = range(5, len(header))
    students = rows[1:]
    if students and "Points Possible" in students[0][0]:
        points, students = students[0], students[1:]
        for i in assignments:
            if not (NUMBER.match(points[i]) or re.search(r"read\s+only", points[i])):
                found.append(f"Points Possible of {header[i]!r} is {points[i]!r}")
    for row in students:
        if not (row[1] or row[2] or row[3] or row[0]):
            found.append(f"a student row identifies nobody: {row}")
        for i in assignments:
            if row[i] and not NUMBER.match(row[i]):
                found.append(f"{header[i]!r} of {row[0]!r} is not a number: {row[i]!r}")
    return found


def moodle_violations(rows: list[list[str]], id_column: str = "ID number") -> list[str]:
    """What Moodle's CSV grade import would reject, the file mapped by ``id_column`` to the
    users' id numbers."""
    found = []
    header = rows[0]
    if id_column not in header:
        return [f"no {id_column!r} column to map the users from"]
    if len(set(header)) != len(header) or not all(h.strip() for h in header):
        found.append("repeated or empty column names")
    if any(len(row) != len(header) for row in rows):
        found.append("rows of different lengths")
    key = header.index(id_column)
    ids = [row[key] for row in rows[1:]]
    if not all(ids) or len(set(ids)) != len(ids):
        found.append("an empty or repeated id number (Moodle stops the whole import)")
    for row in rows[1:]:
        for name, value in zip(header, row):
            if name not in lms.MOODLE_STUDENT_COLUMNS and value not in ("", "-") and not NUMBER.match(value):
                found.append(f"{name!r} of {row[key]!r} is not a number: {value!r}")
    return found


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The class graded in ``test_feedback.py`` (the same one when both modules run)."""
    return build_graded_class(tmp_path_factory)


@pytest.fixture(scope="module")
def exported(graded_class: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    roster = tmp_path_factory.mktemp("roster") / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = {}
    for system in lms.SYSTEMS:
        # cy's second written answer is not graded yet: no file, and a list of what is missing
        refused = run("--course", str(graded_class["root"]), "export", "--lms", system, "--roster", str(roster),
                      "--db", graded_class["db"], timeout=300)
        assert refused.returncode == 2 and not (graded_class["root"] / course.REPORTS / f"{system}-grades.csv").exists()
        assert f"cy {GRADED}: {GRADED}/written_modes_answer (2 points)" in refused.stderr, refused.stderr
        assert "--allow-ungraded" in refused.stderr and "Traceback" not in refused.stderr
        for zero in (False, True):
            done = run("--course", str(graded_class["root"]), "export", "--lms", system, "--roster", str(roster),
                       "--db", graded_class["db"], "--allow-ungraded", *(["--missing-as-zero"] if zero else []),
                       timeout=300)
            assert done.returncode == 0, done.stderr[-3000:]
            path = graded_class["root"] / course.REPORTS / f"{system}-grades.csv"
            assert done.stdout.strip() == f"wrote {path}"
            out[(system, zero)] = parse(path)
    return out


def by_id(rows: list[list[str]], key: int) -> dict[str, dict[str, str]]:
    return {row[key]: dict(zip(rows[0], row)) for row in rows[1:] if "Points Possible" not in row[0]}


def test_canvas_file_follows_canvas_import_rules(exported: dict):
    for zero in (False, True):
        rows = exported[("canvas", zero)]
        assert canvas_violations(rows) == []
        # no column for 02; the points not graded yet are marked, read only (not imported)
        assert rows[0] == [*lms.CANVAS_STUDENT_COLUMNS, GRADED, f"{GRADED} late penalty", f"{GRADED} not graded yet"]
        # 10 autograded + 5 written points; the penalty and what is not graded yet are not imported
        assert rows[1][5:] == ["15", "(read only)", "(read only)"]


def test_the_rule_checks_can_fail():
    good = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "a"], ["Ada", "", "S1", "", "", "3"]]
    assert canvas_violations(good) == []
    assert canvas_violations([["Name", "ID", "SIS User ID", "SIS Login ID", "Section", "a"], good[1]])
    assert canvas_violations([good[0], ["Ada", "", "S1", "", "", "3,5"]])
    assert moodle_violations([["ID number", "a"], ["S1", "3"], ["", "4"]])
    assert moodle_violations([["ID number", "a"], ["S1", "3", "x"]])


def test_canvas_scores_are_the_gradebooks(exported: dict):
    rows = by_id(exported[("canvas", False)], 2)
    # ada: 10 autograded points, 2 started days late at 10 % of 15 points a day
    assert (rows["S1001"][GRADED], rows["S1001"][f"{GRADED} late penalty"]) == ("7", "3")
    # cy: 3 autograded points + 2 given by hand (her other written answer is not graded yet)
    assert (rows["S1003"][GRADED], rows["S1003"][f"{GRADED} late penalty"]) == ("5", "0")
    assert rows["S1003"]["Student"] == "Cyrus, Cy" and rows["S1003"]["ID"] == ""
    # fay is on the roster but handed in nothing: no grade, unless asked for zeros
    assert rows["S1006"][GRADED] == ""
    assert by_id(exported[("canvas", True)], 2)["S1006"][GRADED] == "0"


def test_moodle_file_follows_moodle_import_rules(exported: dict):
    for zero in (False, True):
        rows = exported[("moodle", zero)]
        assert moodle_violations(rows) == []
        assert rows[0] == [*lms.MOODLE_STUDENT_COLUMNS, GRADED, f"{GRADED} late penalty", f"{GRADED} not graded yet"]
    rows = by_id(exported[("moodle", False)], 0)
    assert {k: v[f"{GRADED} not graded yet"] for k, v in rows.items()} == {"S1001": "", "S1003": "2", "S1006": ""}
    assert {k: (v[GRADED], v[f"{GRADED} late penalty"]) for k, v in rows.items()} == {
        "S1001": ("7", "3"), "S1003": ("5", "0"), "S1006": ("", "")}
    assert by_id(exported[("moodle", True)], 0)["S1006"][GRADED] == "0"


def test_lms_scores_agree_with_grades_csv(graded_class: dict, exported: dict):
    """Autograded points as in reports/grades.csv, plus the manual ones, minus the penalty."""
    totals: dict[str, float] = {}
    with (graded_class["root"] / course.REPORTS / "grades.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["assignment"] == GRADED:
                totals[row["student_id"]] = totals.get(row["student_id"], 0.0) + float(row["score"])
    rows = by_id(exported[("canvas", False)], 2)
    assert float(rows["S1001"][GRADED]) == totals["ada"] - 3
    assert float(rows["S1003"][GRADED]) == totals["cy"] + 2


def test_plain_export_uses_the_given_gradebook_and_counts_written_answers(graded_class: dict):
    done = run("--course", str(graded_class["root"]), "export", "--db", graded_class["db"], timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    with (graded_class["root"] / course.REPORTS / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(handle)}
    assert float(rows[("cy", GRADED)]["raw_score"]) == 5.0      # the manual grade is in
    assert float(rows[("cy", GRADED)]["max_score"]) == 15.0     # written answers' points included
    assert float(rows[("ada", GRADED)]["late_submission_penalty"]) == 3.0
    autograded_max = sum(c.max_score for c in course.test_cells(graded_class["root"], GRADED))
    assert autograded_max == 10.0   # grades.csv's maximum for the same assignment


@pytest.mark.parametrize(("text", "message"), [
    ("student,lms_id,name\nada,S1,Ada\n", "lacks the column(s) student_id"),
    ("student_id,lms_id,name\nada,,Ada\n", "line 2: empty lms_id"),
    ("student_id,lms_id,name\nada,S1,Ada\ncy,S1,Cy\n", "line 3: lms_id 'S1' already on line 2"),
    ("student_id,lms_id,name\n", "lists no students"),
])
def test_bad_roster_is_a_clear_error(tmp_path: Path, text: str, message: str):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        lms.read_roster(path)


def test_bad_roster_stops_the_command_with_its_reason(graded_class: dict, tmp_path: Path):
    missing = run("--course", str(graded_class["root"]), "export", "--lms", "canvas", "--roster",
                  str(tmp_path / "nope.csv"), "--db", graded_class["db"], timeout=300)
    assert missing.returncode == 2 and "roster" in missing.stderr and "not found" in missing.stderr
    no_roster = run("--course", str(graded_class["root"]), "export", "--lms", "moodle", timeout=300)
    assert no_roster.returncode == 2 and "--roster" in no_roster.stderr


def test_sample_roster_is_valid():
    students = lms.read_roster(demo.DEMO / "roster.csv")
    assert {s.student_id for s in students} >= {"ada", "ben", "cy", "dee", "eve"}


def test_roster_extra_columns_are_ignored_and_bom_accepted(tmp_path: Path):
    """Columns in any order; ``email`` is read (``roster`` puts it in the gradebook), others ignored."""
    path = tmp_path / "roster.csv"
    path.write_bytes("\ufeffemail,name,section,lms_id,student_id\na@x,\"Lovelace, Ada\",B,S1,ada\n".encode("utf-8"))
    assert lms.read_roster(path) == [lms.Student("ada", "S1", "Lovelace, Ada", "a@x")]


def test_number_formats():
    assert [lms.number(x) for x in (10.0, 8.5, 7.0000000001, 0.125, 0.0, -0.0)] == ["10", "8.5", "7", "0.12", "0", "0"]
    with pytest.raises(ValueError):
        lms.number(math.nan)


# --- late penalties ---------------------------------------------------------------------------

DAY = late.SECONDS_PER_DAY


def test_penalty_per_day_counts_started_days_and_is_capped():
    plugin = late.PenaltyPerDay(fraction_per_day=0.1, max_fraction=0.5)
    assert plugin.late_submission_penalty("s", 10.0, 0) is None
    assert plugin.late_submission_penalty("s", 10.0, 1) == pytest.approx(1.0)           # 1 second: 1 day
    assert plugin.late_submission_penalty("s", 10.0, 1.5 * DAY) == pytest.approx(2.0)
    assert plugin.late_submission_penalty("s", 10.0, 30 * DAY) == pytest.approx(5.0)     # capped at 50 %
    points = late.PenaltyPerDay(points_per_day=2.0)
    assert points.late_submission_penalty("s", 10.0, 3 * DAY) == pytest.approx(6.0)
    assert points.late_submission_penalty("s", 10.0, 9 * DAY) == pytest.approx(10.0)     # never above the maximum


def test_penalty_settings_must_be_sensible():
    with pytest.raises(Exception, match="must be a finite number >= 0"):
        late.PenaltyPerDay(fraction_per_day=-0.1)


def test_course_configuration_uses_the_plugin():
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(demo.DEMO.parent.parent)).load_config()
    assert config.AssignLatePenalties.plugin_class == "autograder.late.PenaltyPerDay"
    assert config.PenaltyPerDay.fraction_per_day > 0


def test_demo_class_has_a_late_student_and_due_dates(tmp_path: Path):
    """The demo course is prepared with its due dates in the gradebook and ada's late
    timestamp in her submission (``make demo-grade`` then grades it)."""
    root = demo.copy_course(demo.DEMO.parent.parent, tmp_path / "course")
    into = demo.prepare_course(root, tmp_path / "demo-course")
    stamp = (into / course.SUBMITTED / "ada" / "02_equivariance" / "timestamp.txt").read_text(encoding="utf-8")
    with Gradebook(course.db_url(into)) as gradebook:
        due = {a.name: a.duedate for a in gradebook.assignments}
    assert set(due) == set(demo.DUE_DATES)
    assert 0 < (parse_utc(stamp.strip()) - due["02_equivariance"]).total_seconds() <= 2 * DAY


def test_db_url_comes_from_the_nbgrader_config(tmp_path: Path):
    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.db_url = "postgresql+psycopg2://u@h/course"\n', encoding="utf-8")
    assert course.db_url(tmp_path) == "postgresql+psycopg2://u@h/course"
    assert course.db_url(tmp_path, "sqlite:///other.db") == "sqlite:///other.db"
    assert course.db_url(tmp_path / "elsewhere") == f"sqlite:///{tmp_path / 'elsewhere' / 'gradebook.db'}?timeout=60"
