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
UNGRADED_SUFFIX = " not graded yet"


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
    ungraded: tuple[str, ...] = ()   # written answers nobody has graded yet (counted as 0)
    ungraded_points: float = 0.0

    @property
    def final(self) -> float:
        return max(0.0, self.score - self.penalty)


@dataclass
class Export:
    """What :func:`export` wrote, and the gradebook's students it left out (not in the roster)."""

    path: Path
    unlisted: list[str] = field(default_factory=list)
    ungraded: list[str] = field(default_factory=list)   # "student assignment" exported with answers not graded


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
                pending = ungraded(submission)
                found[(submission.student_id, name)] = Result(float(submission.score),
                                                             float(submission.late_submission_penalty or 0.0),
                                                             tuple(cell for cell, _ in pending),
                                                             sum(points for _, points in pending))
        students = [student.id for student in gradebook.students]
    return found, maxima, students


def ungraded(submission) -> list[tuple[str, float]]:
    """``(notebook/cell, points)`` of a submission's graded cells that have no score at all yet,
    neither automatic nor manual (a written answer waiting for its grader, which nbgrader counts
    as 0): what the feedback shows as "not graded yet"."""
    return [(f"{notebook.name}/{grade.name}", float(grade.max_score)) for notebook in submission.notebooks
            for grade in notebook.grades if grade.auto_score is None and grade.manual_score is None]


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
          missing_as_zero: bool, marked: set[str] = frozenset()) -> list[str]:
    """A student's grade and penalty cells (and, for the ``marked`` assignments, the points of
    written answers not graded yet), assignment by assignment."""
    out: list[str] = []
    for assignment in assignments:
        result = found.get((student.student_id, assignment))
        if result is None and (root / course.SUBMITTED / student.student_id / assignment).is_dir():
            result = Result(0.0, 0.0)   # handed in, but nothing in it could be graded
        if result is not None:
            out += [number(result.final), number(result.penalty)]
        else:
            out += ["0" if missing_as_zero else "", ""]
        if assignment in marked:
            out.append(number(result.ungraded_points) if result is not None and result.ungraded else "")
    return out


def canvas_rows(root: Path, roster: list[Student], assignments: list[str], found: dict[tuple[str, str], Result],
                maxima: dict[str, float], missing_as_zero: bool, marked: set[str] = frozenset()) -> list[list[str]]:
    header = [*CANVAS_STUDENT_COLUMNS]
    points = [CANVAS_POINTS_ROW, *[""] * (len(CANVAS_STUDENT_COLUMNS) - 1)]
    for assignment in assignments:
        header += [assignment, assignment + PENALTY_SUFFIX]
        points += [number(maxima[assignment]) if assignment in maxima else "", CANVAS_READ_ONLY]
        if assignment in marked:
            header.append(assignment + UNGRADED_SUFFIX)
            points.append(CANVAS_READ_ONLY)
    rows = [header, points]
    for student in roster:
        rows.append([student.name, "", student.lms_id, "", "",
                     *cells(root, student, assignments, found, missing_as_zero, marked)])
    return rows


def moodle_rows(root: Path, roster: list[Student], assignments: list[str], found: dict[tuple[str, str], Result],
                missing_as_zero: bool, marked: set[str] = frozenset()) -> list[list[str]]:
    header = [*MOODLE_STUDENT_COLUMNS]
    for assignment in assignments:
        header += [assignment, assignment + PENALTY_SUFFIX]
        if assignment in marked:
            header.append(assignment + UNGRADED_SUFFIX)
    return [header] + [[student.lms_id, student.name,
                        *cells(root, student, assignments, found, missing_as_zero, marked)] for student in roster]


class Ungraded(ValueError):
    """Written answers of the roster's students are not graded yet (``missing`` lists them)."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(f"{len(missing)} submission(s) have written answers nobody has graded yet; an import now "
                         "would count them as 0. Grade them in formgrader, or export anyway with --allow-ungraded "
                         "(the file then has a '<assignment>" + UNGRADED_SUFFIX + "' column)")


def export(root: Path, system: str, roster_path: Path, db_url: str | None = None,
           missing_as_zero: bool = False, allow_ungraded: bool = False) -> Export:
    """Write ``reports/<system>-grades.csv`` for the students of the roster, from the gradebook
    at ``db_url`` (default: the course's configured one). Raises :class:`Ungraded` when written
    answers of the roster's students are not graded yet, unless ``allow_ungraded``: then each
    assignment with some has a column of the points still to grade."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown LMS {system!r}: choose one of {', '.join(SYSTEMS)}")
    root = root.resolve()
    roster = read_roster(roster_path)
    found, maxima, students = results(course.db_url(root, db_url), course.assignments(root))
    assignments = handed_in(root, found)
    listed = {student.student_id for student in roster}
    pending = {key: result for key, result in sorted(found.items()) if result.ungraded and key[0] in listed}
    if pending and not allow_ungraded:
        raise Ungraded([f"{s} {a}: {', '.join(r.ungraded)} ({r.ungraded_points:g} points)"
                        for (s, a), r in pending.items()])
    marked = {a for _, a in pending}
    if system == "canvas":
        rows = canvas_rows(root, roster, assignments, found, maxima, missing_as_zero, marked)
    else:
        rows = moodle_rows(root, roster, assignments, found, missing_as_zero, marked)
    path = root / course.REPORTS / f"{system}-grades.csv"
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return Export(path, sorted(set(students) - listed), sorted(f"{s} {a}" for s, a in pending))


def main(root: Path, system: str, roster: Path, db_url: str | None, missing_as_zero: bool,
         allow_ungraded: bool = False) -> int:
    """``export --lms``: write the file, say where, and name the students left out; exit 2 with
    the list of what is not graded yet (unless ``allow_ungraded``)."""
    try:
        done = export(root, system, roster, db_url, missing_as_zero, allow_ungraded)
    except Ungraded as ungraded:
        print(f"python -m autograder export: not written: {ungraded}", file=sys.stderr)
        for line in ungraded.missing:
            print(f"    {line}", file=sys.stderr)
        return 2
    print(f"wrote {done.path}")
    if done.ungraded:
        print(f"written with answers not graded yet (counted as 0, points in the '{UNGRADED_SUFFIX.strip()}' "
              f"columns): {', '.join(done.ungraded)}", file=sys.stderr)
    if done.unlisted:
        print(f"not in the roster, so not in {done.path.name}: {', '.join(done.unlisted)}", file=sys.stderr)
    return 0
