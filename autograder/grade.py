"""Grading every submission of a course and writing ``reports/grades.csv``.

Each (student, assignment) is one job: its notebooks are cleaned into a private folder
(:mod:`autograder.submissions`), then graded by its own ``nbgrader autograde`` process (forked
from a pre-loaded server, :mod:`autograder.runner`), whose
execution step runs the student's code in a sandbox and judges the tests in the grader
(:mod:`autograder.execute`). A job that fails costs only that student's grade for that
assignment, with the reason written down; jobs run in parallel (``jobs``), and the scores
do not depend on how many. Scores are read back from nbgrader's gradebook (sqlite by default,
PostgreSQL with ``db_url``), so formgrader, manual grading and feedback work as usual.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from tqdm.auto import tqdm

from autograder import course, release, sandbox, submissions

CSV_COLUMNS = ("student_id", "assignment", "notebook", "cell", "score", "max_score")

#: Wall-clock limit for grading one student's assignment (all its notebooks).
SUBMISSION_TIMEOUT = 1800.0
#: Address-space limit of the grader process of one job (not the sandboxed kernel's).
GRADER_MEMORY = 8 * 2**30


@dataclass
class Outcome:
    """What grading one student's assignment produced."""

    student: str
    assignment: str
    scores: dict[tuple[str, str], float] = field(default_factory=dict)  # (notebook, cell) -> score
    failures: dict[tuple[str, str], str] = field(default_factory=dict)  # (notebook, cell) -> first error line
    reasons: list[str] = field(default_factory=list)


def students(root: Path) -> list[str]:
    """Student ids with a folder in ``submitted/``, sorted, links to folders included (without
    following them): grading refuses them with a note, so they show up with zero."""
    submitted = root / course.SUBMITTED
    return sorted(p.name for p in submitted.iterdir() if p.is_symlink() or p.is_dir()) if submitted.is_dir() else []


def default_db_url(root: Path) -> str:
    """The course's sqlite gradebook, waiting up to a minute for a lock (nbgrader's default
    is 5 s, too short with parallel workers)."""
    return f"sqlite:///{root / 'gradebook.db'}?timeout=60"


def register(root: Path, db_url: str, student_ids: list[str]) -> None:
    """Record every assignment, its notebooks and graded cells in the gradebook (what
    ``nbgrader generate_assignment`` does, without touching the committed release), and
    every student, before parallel jobs would race to create them."""
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in course.assignments(root):
            release.generate(root, assignment, Path(tmp), database=True, options=(f"--CourseDirectory.db_url={db_url}",))
    with Gradebook(db_url) as gradebook:
        for student in student_ids:
            gradebook.update_or_create_student(student)


def _last_lines(text: str, n: int = 5) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-n:])


@dataclass(frozen=True)
class Settings:
    """How to grade: gradebook, sandbox, parallel worker slot."""

    db_url: str
    isolate: bool = True
    options: tuple[str, ...] = ()   # more nbgrader options (e.g. --SandboxedExecute.timeout=60)


def autograde(root: Path, student: str, assignment: str, settings: Settings, slot: int = 0) -> Outcome:
    """Clean and autograde one student's assignment; read the scores back from the gradebook."""
    outcome = Outcome(student, assignment)
    with tempfile.TemporaryDirectory(prefix="autograder-job-") as tmp:
        inbox = Path(tmp) / "submitted"
        prepared = submissions.prepare(root, student, assignment, inbox / student / assignment)
        outcome.reasons += prepared.notes
        if prepared.notebooks:
            args = ["autograde", assignment, f"--student={student}", "--force",
                    f"--CourseDirectory.submitted_directory={inbox}", f"--CourseDirectory.db_url={settings.db_url}",
                    f"--SandboxedExecute.slot={slot}", f"--SandboxedExecute.isolate={settings.isolate}",
                    *settings.options]
            done = course.run_nbgrader(root, *args, timeout=SUBMISSION_TIMEOUT, memory=GRADER_MEMORY)
            if done.returncode is None:
                outcome.reasons.append(f"grading took longer than {SUBMISSION_TIMEOUT:.0f} s and was stopped")
            elif done.returncode != 0:
                outcome.reasons.append(f"nbgrader autograde failed: {_last_lines(done.output)}")
    with Gradebook(settings.db_url) as gradebook:
        for name in prepared.notebooks:   # scores of this run only, never an older run's
            try:
                submitted = gradebook.find_submission_notebook(name, assignment, student)
            except MissingEntry:
                continue
            for grade in submitted.grades:
                if grade.auto_score is not None:
                    outcome.scores[(name, grade.name)] = float(grade.auto_score)
    for name in prepared.notebooks:
        path = root / "autograded" / student / assignment / f"{name}.ipynb"
        if path.is_file():
            outcome.failures.update({(name, cell): why for cell, why in submissions.failures(path).items()})
            outcome.reasons += [f"{name}: {note}" for note in submissions.incidents(path)]
    return outcome


def grade(root: Path, *, jobs: int | None = None, db_url: str | None = None, isolate: bool = True,
          options: tuple[str, ...] = (), progress: bool = True) -> Path:
    """Grade every submission under ``root/submitted`` and write ``reports/grades.csv``.

    Every student gets one row per autograded test cell of every assignment; a cell that
    could not be graded scores 0, and the reason is written to ``reports/summary.txt``.
    ``jobs`` parallel workers (default: the machine's cores). Returns the CSV's path.
    """
    root = root.resolve()
    if isolate:
        sandbox.bwrap_path()   # no sandbox, no grading: say so before the first student
    settings = Settings(db_url or default_db_url(root), isolate, options)
    student_ids = students(root)
    register(root, settings.db_url, student_ids)
    work = [(s, a) for s in student_ids for a in course.assignments(root)]
    jobs = max(1, jobs or os.cpu_count() or 1)

    def run(item: tuple[str, str]) -> Outcome:
        try:
            with sandbox.lease_slot() as slot:   # a uid of its own, even across grading runs
                return autograde(root, item[0], item[1], settings, slot)
        except Exception as error:  # noqa: BLE001 - one job's failure never stops the batch
            return Outcome(item[0], item[1], reasons=[f"grading failed: {type(error).__name__}: {error}"])

    outcomes: dict[tuple[str, str], Outcome] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool, \
            tqdm(total=len(work), desc="grading", unit="notebook", disable=not progress, file=sys.stderr) as bar:
        for outcome in pool.map(run, work):
            outcomes[(outcome.student, outcome.assignment)] = outcome
            bar.set_postfix_str(f"{outcome.student}/{outcome.assignment}", refresh=False)
            bar.update()
    return write_reports(root, student_ids, outcomes)


def write_reports(root: Path, student_ids: list[str], outcomes: dict[tuple[str, str], Outcome]) -> Path:
    """``reports/grades.csv`` (spec columns) and ``reports/summary.txt`` (per student: total,
    the cells that lost points and why, and anything that went wrong)."""
    rows, summary = [], []
    for student in student_ids:
        total = maximum = 0.0
        notes = []
        for assignment in course.assignments(root):
            outcome = outcomes[(student, assignment)]
            for cell in course.test_cells(root, assignment):
                score = outcome.scores.get((cell.notebook, cell.cell), 0.0)
                rows.append((student, assignment, cell.notebook, cell.cell, score, cell.max_score))
                total += score
                maximum += cell.max_score
                if score < cell.max_score:
                    why = outcome.failures.get((cell.notebook, cell.cell), "")
                    notes.append(f"{assignment}/{cell.cell}: {score:g}/{cell.max_score:g}" + (f"  ({why})" if why else ""))
            notes.extend(f"{assignment}: {reason}" for reason in outcome.reasons)
        summary.append(f"{student}: {total:g}/{maximum:g}" + "".join(f"\n    {n}" for n in notes))
    reports = root / course.REPORTS
    reports.mkdir(exist_ok=True)
    path = reports / "grades.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows((s, a, n, c, f"{score:g}", f"{m:g}") for s, a, n, c, score, m in rows)
    (reports / "summary.txt").write_text(
        "Autograded score per student (cells below full marks, with the first line of their error, and any\n"
        "problem with the submission indented)\n\n" + "\n".join(summary) + "\n",
        encoding="utf-8",
    )
    return path

