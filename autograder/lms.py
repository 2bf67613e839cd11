"""Grades for a learning management system: CSV files for Canvas's and Moodle's grade imports.

Both files are built from nbgrader's gradebook (:class:`nbgrader.api.Gradebook`), one column per
assignment holding the points of ``reports/grades.csv`` plus the manual scores (written answers),
minus the late penalty, which also has a column of its own. A student of the roster with no
submission gets an empty cell (no grade), or 0 with ``missing_as_zero``; a student who handed in
something that could not be graded at all gets 0, as in ``grades.csv``.

Only the assignments someone handed in have columns.

* **Canvas** (Grades > Import): the columns of Canvas's own gradebook export, ``Student, ID,
  SIS User ID, SIS Login ID, Section``, then one column per assignment, and a ``Points Possible``
  row. Students are matched by their SIS user id (the roster's ``lms_id``). The penalty columns
  are marked ``(read only)`` in the ``Points Possible`` row, which makes Canvas leave them out
  of the import.
* **Moodle** (Grades > Import > CSV file): a header row, an ``ID number`` column (the roster's
  ``lms_id``, Moodle's user id number: choose "Map from: ID number", "Map to: useridnumber")
  and one column per assignment, to map to a grade item; leave the penalty columns unmapped.
"""

from __future__ import annotations

import csv
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder import course

SYSTEMS = ("canvas", "moodle")
ROSTER_COLUMNS = ("student_id", "lms_id", "name")
OPTIONAL_COLUMNS = ("email",)
CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
CANVAS_READ_ONLY = "(read only)"
MOODLE_STUDENT_COLUMNS = ("ID number", "Full name")
PENALTY_SUFFIX = " late penalty"


@dataclass(frozen=True)
class Student:
    """One row of the roster."""

    student_id: str   # nbgrader's id
    lms_id: str       # Canvas's SIS user id, Moodle's id number
    name: str
    email: str = ""   # the optional ``email`` column


@dataclass(frozen=True)
class Result:
    """One student's graded assignment, from the gradebook."""

    score: float      # autograded and manual points, before the late penalty
    penalty: float    # late penalty (0 when on time)

    @property
    def final(self) -> float:
        return max(0.0, self.score - self.penalty)


@dataclass
class Export:
    """What :func:`export` wrote, and the gradebook's students it left out (not in the roster)."""

    path: Path
    unlisted: list[str] = field(default_factory=list)


def read_roster(path: Path) -> list[Student]:
    """The roster: a UTF-8 CSV with a header naming at least ``student_id``, ``lms_id`` and
    ``name``, and optionally ``email`` (other columns are ignored). ``ValueError`` says what is wrong with a bad one."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"roster {path} not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"roster {path} is not UTF-8 text ({error})") from None
    rows = csv.reader(text.splitlines())
    header = [column.strip() for column in next(rows, [])]
    missing = [column for column in ROSTER_COLUMNS if column not in header]
    if missing:
        raise ValueError(f"roster {path} lacks the column(s) {', '.join(missing)}: its first line must be a header "
                         f"naming at least {', '.join(ROSTER_COLUMNS)} (found: {', '.join(header) or 'an empty line'})")
    where = {column: header.index(column) for column in ROSTER_COLUMNS}
    optional = {column: header.index(column) for column in OPTIONAL_COLUMNS if column in header}
    students: list[Student] = []
    seen: dict[str, dict[str, int]] = {"student_id": {}, "lms_id": {}}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {column: row[index].strip() if index < len(row) else "" for column, index in where.items()}
        empty = [column for column, value in values.items() if not value]
        if empty:
            raise ValueError(f"roster {path}, line {line}: empty {', '.join(empty)}")
        for column, earlier in seen.items():
            if values[column] in earlier:
                raise ValueError(f"roster {path}, line {line}: {column} {values[column]!r} already on line "
                                 f"{earlier[values[column]]}")
            earlier[values[column]] = line
        extra = {column: row[index].strip() if index < len(row) else "" for column, index in optional.items()}
        students.append(Student(**values, **extra))
    if not students:
        raise ValueError(f"roster {path} lists no students")
    return students


def results(db_url: str, assignments: list[str]) -> tuple[dict[tuple[str, str], Result], dict[str, float], list[str]]:
    """From the gradebook: (student, assignment) -> :class:`Result` for every submission,
    each assignment's maximum score (written answers included), and every student's id."""
    found: dict[tuple[str, str], Result] = {}
    maxima: dict[str, float] = {}
    with Gradebook(db_url) as gradebook:
        for name in assignments:
            try:
                assignment = gradebook.find_assignment(name)
            except MissingEntry:
                continue
            maxima[name] = float(assignment.max_score)
            for submission in assignment.submissions:
                found[(submission.student_id, name)] = Result(float(submission.score),
                                                             float(submission.late_submission_penalty or 0.0))
        students = [student.id for student in gradebook.students]
    return found, maxima, students


def handed_in(root: Path, found: dict[tuple[str, str], Result]) -> list[str]:
    """The assignments someone handed in (graded, or in ``submitted/``): the others get no
    column, so that an import does not create empty assignments in the LMS."""
    return [a for a in course.assignments(root)
            if any(key[1] == a for key in found) or any((root / course.SUBMITTED).glob(f"*/{a}"))]


def number(value: float) -> str:
    """A score as both LMSs read it: a plain decimal with a point, at most two decimals."""
    if not math.isfinite(value):
        raise ValueError(f"not a score: {value!r}")
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cells(root: Path, student: Student, assignments: list[str], found: dict[tuple[str, str], Result],
          missing_as_zero: bool) -> list[str]:
    """A student's grade and penalty cells, assignment by assignment."""
    out: list[str] = []
    for assignment in assignments:
        result = found.get((student.student_id, assignment))
        if result is None and (root / course.SUBMITTED / student.student_id / assignment).is_dir():
            result = Result(0.0, 0.0)   # handed in, but nothing in it could be graded
        if result is not None:
            out += [number(result.final), number(result.penalty)]
        else:
            out += ["0" if missing_as_zero else "", ""]
    return out


def canvas_rows(root: Path, roster: list[Student], assignments: list[str], found: dict[tuple[str, str], Result],
                maxima: dict[str, float], missing_as_zero: bool) -> list[list[str]]:
    header = [*CANVAS_STUDENT_COLUMNS]
    points = [CANVAS_POINTS_ROW, *[""] * (len(CANVAS_STUDENT_COLUMNS) - 1)]
    for assignment in assignments:
        header += [assignment, assignment + PENALTY_SUFFIX]
        points += [number(maxima[assignment]) if assignment in maxima else "", CANVAS_READ_ONLY]
    rows = [header, points]
    for student in roster:
        rows.append([student.name, "", student.lms_id, "", "",
                     *cells(root, student, assignments, found, missing_as_zero)])
    return rows


def moodle_rows(root: Path, roster: list[Student], assignments: list[str], found: dict[tuple[str, str], Result],
                missing_as_zero: bool) -> list[list[str]]:
    header = [*MOODLE_STUDENT_COLUMNS]
    for assignment in assignments:
        header += [assignment, assignment + PENALTY_SUFFIX]
    return [header] + [[student.lms_id, student.name, *cells(root, student, assignments, found, missing_as_zero)]
                       for student in roster]


def export(root: Path, system: str, roster_path: Path, db_url: str | None = None,
           missing_as_zero: bool = False) -> Export:
    """Write ``reports/<system>-grades.csv`` for the students of the roster, from the gradebook
    at ``db_url`` (default: the course's configured one)."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown LMS {system!r}: choose one of {', '.join(SYSTEMS)}")
    root = root.resolve()
    roster = read_roster(roster_path)
    found, maxima, students = results(course.db_url(root, db_url), course.assignments(root))
    assignments = handed_in(root, found)
    if system == "canvas":
        rows = canvas_rows(root, roster, assignments, found, maxima, missing_as_zero)
    else:
        rows = moodle_rows(root, roster, assignments, found, missing_as_zero)
    path = root / course.REPORTS / f"{system}-grades.csv"
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    listed = {student.student_id for student in roster}
    return Export(path, sorted(set(students) - listed))


def main(root: Path, system: str, roster: Path, db_url: str | None, missing_as_zero: bool) -> int:
    """``export --lms``: write the file, say where, and name the students left out."""
    done = export(root, system, roster, db_url, missing_as_zero)
    print(f"wrote {done.path}")
    if done.unlisted:
        print(f"not in the roster, so not in {done.path.name}: {', '.join(done.unlisted)}", file=sys.stderr)
    return 0
