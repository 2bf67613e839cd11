"""Grading every submission of a course and writing ``reports/grades.csv``.

Each (student, assignment) is autograded by its own ``nbgrader autograde`` process, so a
submission that crashes nbgrader costs only that student's grade for that assignment;
the failure is recorded as a reason and the batch goes on. Scores are read back from
nbgrader's gradebook, so formgrader, manual grading and feedback keep working as usual.
"""

from __future__ import annotations

import csv
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from autograder import course, release

CSV_COLUMNS = ("student_id", "assignment", "notebook", "cell", "score", "max_score")

#: Wall-clock limit for autograding one student's assignment (all its notebooks).
SUBMISSION_TIMEOUT = 900.0


@dataclass
class Outcome:
    """What grading one student's assignment produced."""

    student: str
    assignment: str
    scores: dict[tuple[str, str], float] = field(default_factory=dict)  # (notebook, cell) -> score
    reasons: list[str] = field(default_factory=list)


def students(root: Path) -> list[str]:
    """Student ids with a folder in ``submitted/``, sorted."""
    submitted = root / course.SUBMITTED
    return sorted(p.name for p in submitted.iterdir() if p.is_dir()) if submitted.is_dir() else []


def register_assignments(root: Path) -> None:
    """Record every assignment, its notebooks and graded cells in the gradebook (what
    ``nbgrader generate_assignment`` does), without touching the committed release."""
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in course.assignments(root):
            release.generate(root, assignment, Path(tmp), database=True)


def _last_lines(text: str, n: int = 5) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-n:])


def autograde(root: Path, student: str, assignment: str) -> Outcome:
    """Autograde one student's assignment and read the scores back from the gradebook."""
    outcome = Outcome(student, assignment)
    folder = root / course.SUBMITTED / student / assignment
    expected = [p.stem for p in course.source_notebooks(root, assignment)]
    if not folder.is_dir():
        outcome.reasons.append("no submission")
        return outcome
    present = {p.stem for p in folder.glob("*.ipynb")}
    for name in expected:
        if name not in present:
            found = ", ".join(sorted(present)) or "no notebook"
            outcome.reasons.append(f"notebook {name}.ipynb missing from the submission (found: {found})")
    for name in sorted(present & set(expected)):
        try:
            nbformat.read(folder / f"{name}.ipynb", as_version=4)
        except Exception as error:  # noqa: BLE001 - any unreadable file is reported, not raised
            outcome.reasons.append(f"notebook {name}.ipynb cannot be read ({type(error).__name__}: {error})")
            present.discard(name)
    if not present & set(expected):
        return outcome
    try:
        done = course.run_nbgrader(
            root, "autograde", assignment, f"--student={student}", "--force", timeout=SUBMISSION_TIMEOUT
        )
        if done.returncode != 0:
            outcome.reasons.append(f"nbgrader autograde failed: {_last_lines(done.stderr)}")
    except subprocess.TimeoutExpired:
        outcome.reasons.append(f"grading took longer than {SUBMISSION_TIMEOUT:.0f} s and was stopped")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for name in expected:
            try:
                submitted = gradebook.find_submission_notebook(name, assignment, student)
            except MissingEntry:
                continue
            for grade in submitted.grades:
                if grade.auto_score is not None:
                    outcome.scores[(name, grade.name)] = float(grade.auto_score)
    return outcome


def grade(root: Path) -> Path:
    """Grade every submission under ``root/submitted`` and write ``reports/grades.csv``.

    Every student gets one row per autograded test cell of every assignment; a cell that
    could not be graded scores 0, and the reason is written to ``reports/summary.txt``.
    Returns the path of the CSV file.
    """
    root = root.resolve()
    register_assignments(root)
    rows, summary = [], []
    for student in students(root):
        total = maximum = 0.0
        notes = []
        for assignment in course.assignments(root):
            outcome = autograde(root, student, assignment)
            for cell in course.test_cells(root, assignment):
                score = outcome.scores.get((cell.notebook, cell.cell), 0.0)
                rows.append((student, assignment, cell.notebook, cell.cell, score, cell.max_score))
                total += score
                maximum += cell.max_score
                if score < cell.max_score:
                    notes.append(f"{assignment}/{cell.cell}: {score:g}/{cell.max_score:g}")
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
        "Autograded score per student (cells below full marks and reasons indented)\n\n"
        + "\n".join(summary) + "\n",
        encoding="utf-8",
    )
    return path
