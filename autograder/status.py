"""Where a class stands: ``python -m autograder status`` (``make status``).

Per assignment, from ``submitted/``, the exchange's ``inbound/`` and the gradebook: who handed in,
whose hand-in still waits in the exchange (not collected yet), who has not been graded since
handing in, who is late and by how much (extensions included), who was granted an extension or a
waiver, whose written answers are still to grade, and who handed in nothing; then whether
``reports/`` is up to date with ``submitted/`` and the gradebook, and, where ``python -m autograder
watch`` runs, its queue (queued, in flight, failed, waiting, flagged, set aside, refused). It only reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook

from autograder import course, late, lms, watchstate

GRADES = "grades.csv"


@dataclass
class AssignmentStatus:
    """One assignment's state (lists of student ids, and words per student)."""

    name: str
    handed_in: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)         # in the exchange's inbound, not collected
    not_graded: list[str] = field(default_factory=list)      # handed in, no grade recorded since
    late: dict[str, str] = field(default_factory=dict)
    exceptions: dict[str, str] = field(default_factory=dict)  # extensions and waivers granted
    to_grade: dict[str, list[str]] = field(default_factory=dict)   # written answers waiting for a grader
    nothing: list[str] = field(default_factory=list)


def _newest(folder: Path) -> float:
    """The newest modification time of the plain files and folders under ``folder``."""
    newest = 0.0
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in [*dirnames, *filenames]:
            try:
                newest = max(newest, os.lstat(os.path.join(dirpath, name)).st_mtime)
            except OSError:
                continue
    return max(newest, os.lstat(folder).st_mtime) if folder.exists() else newest


def _inbound(root: Path) -> Path | None:
    """The exchange's inbound folder of the course, as ``watch`` and nbgrader find it (None when
    the configuration names no course or the folder cannot be read)."""
    from autograder.watch import load_course

    try:
        path = load_course(root).inbound
    except ValueError:
        return None
    return path if os.access(path, os.R_OK | os.X_OK) else None


def _waiting(root: Path, inbound: Path | None, assignment: str) -> list[str]:
    """Students with a hand-in of ``assignment`` in the inbound that is newer than what
    ``submitted/`` holds for them."""
    from nbgrader.utils import parse_utc

    from autograder.exchange import parse_entry
    from autograder.jobs import read_timestamp

    if inbound is None:
        return []
    waiting = set()
    for name in os.listdir(inbound):
        parsed = parse_entry(name)
        if isinstance(parsed, str) or parsed[1] != assignment:
            continue
        student, _, handed = parsed
        collected = read_timestamp(root / course.SUBMITTED / student / assignment)
        if collected is None or handed > parse_utc(collected):
            waiting.add(student)
    return sorted(waiting)


def collect(root: Path, db_url: str) -> tuple[list[AssignmentStatus], list[str]]:
    """The state of every assignment, and lines about ``reports/``."""
    root = root.resolve()
    inbound = _inbound(root)
    lateness = late.lateness(root, db_url)
    exceptions = late.Exceptions.load(root)
    graded_at: dict[tuple[str, str], float] = {}
    to_grade: dict[tuple[str, str], list[str]] = {}
    with Gradebook(db_url) as gradebook:
        known = {student.id for student in gradebook.students}
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                key = (submission.student.id, assignment.name)
                folder = root / "autograded" / key[0] / key[1]
                graded_at[key] = _newest(folder) if folder.exists() else 0.0
                pending = [cell for cell, _ in lms.ungraded(submission)]
                if pending:
                    to_grade[key] = pending
    submitted = root / course.SUBMITTED
    known |= {p.name for p in submitted.iterdir() if p.is_dir()} if submitted.is_dir() else set()
    statuses = []
    for name in course.assignments(root):
        state = AssignmentStatus(name)
        for student in sorted(known):
            folder = submitted / student / name
            if folder.is_dir() and not folder.is_symlink():
                state.handed_in.append(student)
                if graded_at.get((student, name), 0.0) < _newest(folder):
                    state.not_graded.append(student)
            if (student, name) in lateness:
                state.late[student] = lateness[(student, name)].describe()
            words = []
            if (student, name) in exceptions.extensions:
                words.append(f"extension of {late.duration(exceptions.extensions[(student, name)])}")
            if (student, name) in exceptions.waived:
                words.append("late penalty waived")
            if words:
                state.exceptions[student] = ", ".join(words)
            if (student, name) in to_grade:
                state.to_grade[student] = to_grade[(student, name)]
        state.waiting = _waiting(root, inbound, name)
        state.nothing = [s for s in sorted(known | set(state.waiting))
                         if s not in state.handed_in and s not in state.waiting]
        statuses.append(state)
    return statuses, _reports(root, graded_at)


def _reports(root: Path, graded_at: dict[tuple[str, str], float]) -> list[str]:
    path = root / course.REPORTS / GRADES
    if not path.is_file():
        return [f"reports/{GRADES} does not exist yet: run `make autograde`"]
    written = path.stat().st_mtime
    newer = sorted(f"{s}/{a}" for (s, a), when in graded_at.items() if when > written)
    if newer:
        return [f"reports/ is older than the grades of {', '.join(newer[:10])}"
                + (f" and {len(newer) - 10} more" if len(newer) > 10 else "") + ": run `make autograde`"]
    return ["reports/ is up to date with the gradebook"]


def render(statuses: list[AssignmentStatus], reports: list[str]) -> str:
    """The status as text, an assignment per block."""
    lines = []
    for state in statuses:
        lines.append(f"{state.name}: {len(state.handed_in)} handed in")
        for label, names in (("handed in", state.handed_in), ("waiting in the exchange (run nbgrader collect)",
                                                               state.waiting),
                             ("handed in since they were last graded (run make autograde)", state.not_graded),
                             ("handed in nothing", state.nothing)):
            if names:
                lines.append(f"    {label}: {', '.join(names)}")
        for label, words in (("late", state.late), ("extensions and waivers", state.exceptions)):
            if words:
                lines.append(f"    {label}:")
                lines += [f"        {student}: {text}" for student, text in words.items()]
        if state.to_grade:
            lines.append(f"    written answers to grade (formgrader): {sum(map(len, state.to_grade.values()))}")
            lines += [f"        {student}: {', '.join(cells)}" for student, cells in state.to_grade.items()]
    return "\n".join(lines + reports) + "\n"


def render_queue(queue: watchstate.Queue) -> str:
    """The watch service's queue as text (see :func:`autograder.watchstate.queue`)."""
    lines = [f"watch (python -m autograder watch, log: {watchstate.FOLDER}/{watchstate.LOG}):"]
    for label, items in (("queued", queue.queued), ("in flight", queue.in_flight), ("failed", queue.failed),
                         ("waiting (incomplete, or within the cooldown)", queue.waiting),
                         ("flagged (timestamp.txt disagrees with when it arrived)", queue.flagged),
                         ("set aside", queue.set_aside), ("refused", queue.refused),
                         ("hidden-test results withheld until the student's due date", queue.withheld),
                         ("new students (not in the gradebook before: graded and added)", queue.newcomers)):
        if items:
            lines.append(f"    {label}: {len(items)}")
            lines += [f"        {item}" for item in items]
    if not (queue.queued or queue.in_flight or queue.failed):
        lines.append("    nothing queued, in flight or failed")
    if queue.reports_stale:
        lines.append("    reports/ and the late penalties of those not just graded are brought up to date once "
                     "nothing is left to grade (each hand-in's own penalty is in its feedback already)")
    return "\n".join(lines) + "\n"


def main(root: Path, db_url: str | None = None) -> int:
    statuses, reports = collect(root, course.db_url(root, db_url))
    print(render(statuses, reports), end="")
    queue = watchstate.queue(root.resolve())
    if queue is not None:
        print(render_queue(queue), end="")
    return 0


__all__ = ["AssignmentStatus", "collect", "main", "render", "render_queue"]
