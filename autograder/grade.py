"""Grading a class: the jobs to run, running them, and the reports.

Each (student, assignment) with a submission is one job (:mod:`autograder.jobs`): its notebooks
are cleaned, graded by their own ``nbgrader autograde`` process in a private course (forked from
a pre-loaded server, :mod:`autograder.runner`), whose execution step runs the student's code in
a sandbox and judges the tests in the grader (:mod:`autograder.execute`). A job that fails costs
only that student's grade for that assignment, with the reason written down; jobs run in
parallel (``jobs``), and the scores do not depend on how many. Each result is recorded in
nbgrader's gradebook (sqlite by default, PostgreSQL with ``db_url``) as it comes in, so
formgrader, manual grading and feedback work as usual, and the reports are then written from
the gradebook: a subset of the class can be graded again and the reports still cover everyone.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy
from nbgrader import api
from nbgrader.api import Gradebook, MissingEntry
from tqdm.auto import tqdm

from autograder import alembic_head, course, jobs as jobs_module, late, release, sandbox
from autograder.jobs import Job, Result, grade_job, make_job, record

CSV_COLUMNS = ("student_id", "assignment", "notebook", "cell", "score", "max_score")

#: Grades (student, assignment) pairs (here, or on workers) and yields each result as it finishes.
Grader = Callable[[Sequence[tuple[str, str]]], Iterator[Result]]
#: The table of scores under ``reports/`` (:func:`write_reports`).
GRADES_CSV = "grades.csv"


def students(root: Path) -> list[str]:
    """Student ids with a folder in ``submitted/``, sorted, links to folders included (without
    following them): grading refuses them with a note, so they show up with zero."""
    submitted = root / course.SUBMITTED
    return sorted(p.name for p in submitted.iterdir() if p.is_symlink() or p.is_dir()) if submitted.is_dir() else []


def default_db_url(root: Path) -> str:
    """The course's gradebook URL (see :func:`autograder.course.db_url`)."""
    return course.db_url(root)


def register(root: Path, db_url: str, assignments: Sequence[str], student_ids: Sequence[str] = ()) -> None:
    """Record ``assignments``, their notebooks and graded cells in the gradebook (what
    ``nbgrader generate_assignment`` does, without touching the committed release), and
    ``student_ids``, before results come in.

    What ``generate_assignment`` records depends only on the assignment's source and the
    configuration, and the jobs' template gradebook (:func:`autograder.jobs.template_gradebook`)
    holds exactly that. So an assignment recorded as in its template is left as it is, one the
    gradebook does not have yet gets the template's records, and only a gradebook that has the
    assignment otherwise (its source changed since) runs ``generate_assignment``, whose rules
    for changed notebooks apply. Either way the gradebook ends with the template's records.
    """
    alembic_head.install()   # a new gradebook gets nbgrader's schema revision without an `alembic` process
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in assignments:
            template = jobs_module.template_gradebook(root, assignment)
            if not _registered_from_template(db_url, assignment, template):
                release.generate(root, assignment, Path(tmp), database=True,
                                 options=(f"--CourseDirectory.db_url={db_url}",))
    with Gradebook(db_url) as gradebook:
        for student in student_ids:
            gradebook.update_or_create_student(student)


_FOREIGN_KEYS = frozenset({"id", "notebook_id", "assignment_id"})   # random ids, different in every gradebook


def _stored(record: object) -> dict[str, object]:
    """The columns of a gradebook record that nbgrader stores, its ids left out."""
    mapper = sqlalchemy.inspect(type(record))
    return {prop.key: getattr(record, prop.key) for prop in mapper.column_attrs
            if prop.key not in _FOREIGN_KEYS
            and all(isinstance(column, sqlalchemy.Column) and column.table in mapper.tables for column in prop.columns)}


def registration(gradebook: Gradebook, assignment: str) -> dict | None:
    """What ``generate_assignment`` records about ``assignment`` in ``gradebook``, ids left
    out (None when it has no such assignment)."""
    try:
        found = gradebook.find_assignment(assignment)
    except MissingEntry:
        return None
    # the due date is the instructor's (generate_assignment leaves it as it is)
    return {"assignment": {key: value for key, value in _stored(found).items() if key != "duedate"},
            "notebooks": {notebook.name: {"notebook": _stored(notebook),
                                          **{kind: {cell.name: _stored(cell) for cell in getattr(notebook, kind)}
                                             for kind in ("grade_cells", "solution_cells", "task_cells",
                                                          "source_cells")}}
                          for notebook in found.notebooks}}


def _registered_from_template(db_url: str, assignment: str, template: Path) -> bool:
    """Make ``assignment``'s records in the gradebook at ``db_url`` those of ``template``, if
    it has none or the same; False when it has others (or copying them failed)."""
    # read-only, and with no course id, which nbgrader would add to the file if it lacked it. The
    # path of an SQLite URI is percent-encoded, and SQLAlchemy decodes its URL once first.
    path = urllib.parse.quote(urllib.parse.quote(str(template)))
    try:
        source = Gradebook(f"sqlite:///file:{path}?mode=ro&uri=true", course_id="")
    except Exception:  # noqa: BLE001 - an unreadable template: generate_assignment, as before
        return False
    with source:
        wanted = registration(source, assignment)
        if wanted is None:
            return False
        with Gradebook(db_url, course_id=wanted["assignment"]["course_id"]) as gradebook:
            present = registration(gradebook, assignment)
            if present is None:
                try:   # what Gradebook.add_assignment and generate_assignment's SaveCells add, at once
                    added = api.Assignment(name=assignment, course_id=gradebook.course_id)
                    gradebook.db.add(added)
                    for notebook in source.find_assignment(assignment).notebooks:
                        _copy_notebook(gradebook, added, notebook)
                    gradebook.db.commit()
                except Exception:  # noqa: BLE001 - e.g. another command added it meanwhile: nbgrader's way then
                    gradebook.db.rollback()
                    return False
                present = registration(gradebook, assignment)
            return present == wanted


def _copy_notebook(gradebook: Gradebook, assignment: api.Assignment, notebook: api.Notebook) -> None:
    """The records of nbgrader's ``SaveCells`` for a notebook the gradebook does not have (what
    ``Gradebook.add_notebook`` and ``add_*_cell`` make), for the caller to commit."""
    copy = api.Notebook(name=notebook.name, assignment=assignment, kernelspec=notebook.kernelspec)
    gradebook.db.add(copy)
    for cell in notebook.grade_cells:
        gradebook.db.add(api.GradeCell(name=cell.name, notebook=copy, max_score=cell.max_score,
                                       cell_type=cell.cell_type))
    for cell in notebook.solution_cells:
        gradebook.db.add(api.SolutionCell(name=cell.name, notebook=copy))
    for cell in notebook.task_cells:
        gradebook.db.add(api.TaskCell(name=cell.name, notebook=copy, max_score=cell.max_score,
                                      cell_type=cell.cell_type))
    for cell in notebook.source_cells:
        gradebook.db.add(api.SourceCell(name=cell.name, notebook=copy, cell_type=cell.cell_type, locked=cell.locked,
                                        source=cell.source, checksum=cell.checksum))


def select(root: Path, assignments: Sequence[str] | None = None,
           student_ids: Sequence[str] | None = None,
           pairs: Sequence[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The (student, assignment) pairs with a submission, among the given assignments and
    students (default: all), or among ``pairs`` (each a student and an assignment). An unknown
    assignment or student is a ``ValueError``."""
    if pairs is not None:
        pairs = set(pairs)
        assignments, student_ids = [a for _, a in pairs], [s for s, _ in pairs]
    known = course.assignments(root)
    unknown = sorted(set(assignments or ()) - set(known))
    if unknown:
        raise ValueError(f"no assignment {', '.join(unknown)} in {course.SOURCE}/ (there are: {', '.join(known)})")
    present = students(root)
    missing = sorted(set(student_ids or ()) - set(present))
    if missing:
        raise ValueError(f"no student {', '.join(missing)} in {course.SUBMITTED}/")
    chosen = [a for a in known if not assignments or a in assignments]
    return [(s, a) for s in (sorted(set(student_ids)) if student_ids else present) for a in chosen
            if (root / course.SUBMITTED / s / a).is_dir() and (pairs is None or (s, a) in pairs)]


def local_grader(root: Path, *, jobs: int | None = None, isolate: bool = True, options: tuple[str, ...] = (),
                 started: Callable[[str, str], None] | None = None) -> Grader:
    """Grade in ``jobs`` threads of this machine (default: one per core), each job in a
    sandbox uid of its own; ``started(student, assignment)`` is called as each job starts."""
    workers = max(1, jobs or os.cpu_count() or 1)

    def run(student: str, assignment: str) -> Result:
        try:
            if started:
                started(student, assignment)
            job = make_job(root, student, assignment)
            with sandbox.lease_slot() as slot:   # a uid of its own, even across grading runs
                return grade_job(root, job, isolate=isolate, options=options, slot=slot)
        except Exception as error:  # noqa: BLE001 - one job's failure never stops the batch
            return Result(student, assignment, reasons=[f"grading failed: {type(error).__name__}: {error}"])

    def grader(pairs: Sequence[tuple[str, str]]) -> Iterator[Result]:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in as_completed([pool.submit(run, s, a) for s, a in pairs]):
                yield future.result()

    return grader


class Waiting:
    """The jobs started and not finished yet, in the order they started: what the progress bar
    names is the oldest of them, the one grading waits on."""

    def __init__(self) -> None:
        self._running: dict[tuple[str, str], None] = {}
        self._lock = threading.Lock()

    def start(self, student: str, assignment: str) -> None:
        with self._lock:
            self._running[(student, assignment)] = None

    def finish(self, student: str, assignment: str) -> None:
        with self._lock:
            self._running.pop((student, assignment), None)

    def label(self) -> str:
        """``waiting for s001/01_translation`` (``+ N more`` running), or ``""`` when none runs."""
        with self._lock:
            if not self._running:
                return ""
            (student, assignment), more = next(iter(self._running)), len(self._running) - 1
        return f"waiting for {student}/{assignment}" + (f" + {more} more" if more else "")


def grade(root: Path, *, jobs: int | None = None, db_url: str | None = None, isolate: bool = True,
          options: tuple[str, ...] = (), progress: bool = True, assignments: Sequence[str] | None = None,
          student_ids: Sequence[str] | None = None, grader: Grader | None = None,
          pairs: Sequence[tuple[str, str]] | None = None, class_wide: bool = True) -> Path:
    """Grade the submissions under ``root/submitted`` and write ``reports/grades.csv``.

    Only ``assignments`` and ``student_ids`` when given (default: all), or only ``pairs``
    (student, assignment): ``python -m autograder watch``'s hand-ins of a pass, of any
    assignments, in one run that keeps the parallel workers busy. Each result goes to
    the gradebook (``db_url``, default: the course configuration's) as it comes in; the reports
    are then written from the gradebook (:func:`catch_up`, unless ``class_wide`` is False). ``jobs`` parallel workers
    (default: the machine's cores), or ``grader`` to grade elsewhere. Returns the CSV's path.
    """
    root = root.resolve()
    if isolate and grader is None:
        sandbox.bwrap_path()   # no sandbox, no grading: say so before the first student
    url = course.db_url(root, db_url)
    work = select(root, assignments, student_ids, pairs)
    register(root, url, sorted({a for _, a in work}), sorted({s for s, _ in work}))
    with tqdm(total=len(work), desc="grading", unit="job", disable=not progress, file=sys.stderr) as bar:
        waiting = Waiting()

        def started(student: str, assignment: str) -> None:
            waiting.start(student, assignment)
            bar.set_postfix_str(waiting.label())

        if grader is None:
            grader = local_grader(root, jobs=jobs, isolate=isolate, options=options, started=started)
        else:   # elsewhere (workers): every job is out from the start
            for student, assignment in work:
                waiting.start(student, assignment)
            bar.set_postfix_str(waiting.label())
        for result in grader(work):
            try:
                record(root, url, result)
            except Exception as error:  # noqa: BLE001 - one bad result never stops the batch
                reason = f"recording the grades failed: {type(error).__name__}: {error}"
                record(root, url, Result(result.student, result.assignment, reasons=[*result.reasons, reason],
                                         timestamp=result.timestamp))
            waiting.finish(result.student, result.assignment)
            bar.update()
            bar.set_postfix_str(waiting.label())
    if not class_wide:   # each result's own penalty was applied as it was recorded
        return root / course.REPORTS / GRADES_CSV
    return catch_up(root, url)


def catch_up(root: Path, db_url: str, say: Callable[[str], None] | None = None) -> Path:
    """The class-wide steps after grading: every late penalty recomputed (they follow the due
    dates, extensions and waivers as they are now, graded or not; a line on stderr for each that
    changed), then the reports rewritten (:func:`write_reports`). :func:`grade` ends with them,
    unless told that its caller does them later (``class_wide=False``: ``python -m autograder
    watch`` between two passes of a burst, where they would cost a second per pass). ``say``
    gets each changed penalty's line instead of stderr."""
    for line in late.apply(root, db_url):
        (say or _to_stderr)(line)
    return write_reports(root, db_url)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


# --- reports -----------------------------------------------------------------------------------

@dataclass
class _Graded:
    """One (student, assignment) as the gradebook and the recorded notes have it."""

    scores: dict[tuple[str, str], float] = field(default_factory=dict)   # (notebook, cell) -> auto score
    graded: set[str] | None = None                                        # notebooks graded (None: unknown)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


def _from_gradebook(root: Path, db_url: str, assignments: list[str]) -> dict[tuple[str, str], _Graded]:
    found: dict[tuple[str, str], _Graded] = {}
    with Gradebook(db_url) as gradebook:
        for assignment in assignments:
            try:
                submissions = gradebook.find_assignment(assignment).submissions
            except MissingEntry:
                continue
            for submission in submissions:
                graded = found[(submission.student.id, assignment)] = _Graded()
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.auto_score is not None:
                            graded.scores[(notebook.name, grade.name)] = float(grade.auto_score)
    for (student, assignment), graded in found.items():
        path = jobs_module.notes_path(root, student, assignment)
        if path.is_file():
            notes = json.loads(path.read_text(encoding="utf-8"))
            graded.reasons = list(notes.get("reasons", []))
            graded.graded = set(notes.get("notebooks", []))
            graded.failures = {(nb, cell): why for nb, cells in notes.get("failures", {}).items()
                               for cell, why in cells.items()}
    return found


def _lost_points(cells: list[course.TestCell], scores: dict[tuple[str, str], float], outcome: _Graded) -> list[str]:
    """The summary's lines for the test cells below full marks: one per cause, naming every cell
    it failed with its score (``test_a: 0/3, test_b: 0/1  (why)``), in the notebook's order."""
    causes: dict[tuple[str, str], list[str]] = {}
    for c in cells:
        score = scores.get((c.notebook, c.cell), 0.0)
        if score < c.max_score and (outcome.graded is None or c.notebook in outcome.graded):
            why = outcome.failures.get((c.notebook, c.cell))
            key = (c.notebook, why) if why else (c.notebook, f"\0{c.cell}")   # no error given: a line of its own
            causes.setdefault(key, []).append(f"{c.cell}: {score:g}/{c.max_score:g}")
    return [", ".join(lost) + ("" if why.startswith("\0") else f"  ({why})") for (_, why), lost in causes.items()]


def write_reports(root: Path, db_url: str) -> Path:
    """``reports/grades.csv`` (spec columns) and ``reports/summary.txt`` (per student: total, per
    assignment the cells that lost points and why, what was repaired and what went wrong), from
    the gradebook: every student in ``submitted/``, every assignment anyone of them submitted."""
    root = root.resolve()
    everything = course.assignments(root)
    graded = _from_gradebook(root, db_url, everything)
    student_ids = students(root)
    assignments = [a for a in everything if any((s, a) in graded or (root / course.SUBMITTED / s / a).is_dir()
                                                for s in student_ids)]
    skipped = [a for a in everything if a not in assignments]
    test_cells = {assignment: course.test_cells(root, assignment) for assignment in assignments}
    late_work = late.lateness(root, db_url)
    rows, summary = [], []
    for student in student_ids:
        total = maximum = 0.0
        lines = []
        for assignment in assignments:
            cells = test_cells[assignment]
            outcome = graded.get((student, assignment))
            scores = outcome.scores if outcome else {}
            got = sum(scores.get((c.notebook, c.cell), 0.0) for c in cells)
            out_of = sum(c.max_score for c in cells)
            rows += [(student, assignment, c.notebook, c.cell, scores.get((c.notebook, c.cell), 0.0), c.max_score)
                     for c in cells]
            total, maximum = total + got, maximum + out_of
            if outcome is None:
                submitted = (root / course.SUBMITTED / student / assignment).is_dir()
                lines.append(f"{assignment}: {got:g}/{out_of:g}, " + ("submitted, not graded yet" if submitted
                                                                      else "no submission"))
                continue
            notes = _lost_points(cells, scores, outcome)
            notes += outcome.reasons
            if (student, assignment) in late_work:
                notes.append(late_work[(student, assignment)].describe())
            if notes or got < out_of:
                lines.append(f"{assignment}: {got:g}/{out_of:g}" + "".join(f"\n        {n}" for n in notes))
        summary.append(f"{student}: {total:g}/{maximum:g}" + "".join(f"\n    {line}" for line in lines))
    reports = root / course.REPORTS
    reports.mkdir(exist_ok=True)
    path = reports / GRADES_CSV
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows((s, a, n, c, f"{score:g}", f"{m:g}") for s, a, n, c, score, m in rows)
    header = ("Autograded score per student; under it, per assignment, the cells below full marks (one line per\n"
              "cause: the cells it failed, then the error, or the error of the cell that should have defined the\n"
              "function), what was repaired in the submission and anything that went wrong\n")
    if skipped:
        header += f"\nNot submitted by anyone, left out: {', '.join(skipped)}\n"
    listed = [(s, a) for s in student_ids for a in assignments if (s, a) in late_work]
    if listed:
        header += "\nLate work (the penalty counts in gradebook.csv, the LMS files and the feedback):\n" + "".join(
            f"    {s} {a}: {late_work[(s, a)].describe()}\n" for s, a in listed)
    (reports / "summary.txt").write_text(header + "\n" + "\n".join(summary) + "\n", encoding="utf-8")
    return path


__all__ = ["CSV_COLUMNS", "Grader", "Job", "Result", "default_db_url", "grade", "local_grader", "register",
           "select", "students", "write_reports"]
