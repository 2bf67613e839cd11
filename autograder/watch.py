"""Grading on arrival: ``python -m autograder watch [--broker URL] [--once] [--settle SECONDS] [--per-pass N]``.

A loop around the batch commands' own steps, for each new hand-in in the exchange's ``inbound/``:

1. **collect** it as ``nbgrader collect`` does (:func:`autograder.exchange.entry_problem` and
   :func:`autograder.exchange.copy_entry`, the checks and copy of ``SafeCollect``) into
   ``submitted/<student>/<assignment>/``;
2. **grade** it with :func:`autograder.grade.grade` (or on the workers,
   :func:`autograder.distributed.grade_remote`), which records it in the gradebook with its late
   penalty (the class-wide steps, every late penalty recomputed and ``reports/`` rewritten, run
   once nothing is left to grade: :func:`_catch_up`);
3. make its **feedback** (``nbgrader generate_feedback A`` with the course's steps: ``--student S``,
   or the pass's students of ``A`` together in one process);
4. **release** it (``nbgrader release_feedback A --student S``, the course's
   ``SafeReleaseFeedback``), so that the student's ``nbgrader fetch_feedback`` receives it.

Rules: only a complete hand-in is taken (``timestamp.txt``, ``submission_secret.txt`` and a
notebook, unchanged for ``settle`` seconds; a partial one waits); per student and assignment only
the newest complete hand-in is graded, and a job's feedback is not released when a newer hand-in
has arrived meanwhile; with a ``cooldown``, a hand-in is taken no sooner than that many seconds
after the same student's previous one for the assignment; a ``timestamp.txt`` outside the time
in which the service saw the folder appear (by more than :data:`CLOCK_TOLERANCE`) is flagged; a
hand-in for an assignment the course does not have is set aside; whatever ``SafeCollect`` refuses
is logged once and never stops the service; a hand-in that cannot be graded gets, in place of
its feedback, a page saying why (:mod:`autograder.notice`); with ``hidden_results="at-due-date"`` the
hidden tests' results are withheld from the page until the student's own due date, when the
full page is released; a student the gradebook does not have is graded and added (reported),
or with ``roster_only`` set aside. The journal (:mod:`autograder.watchstate`) records
each step once it is done, so a service killed at any moment and started again redoes at most the
step it was in.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import os
import signal
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from autograder import course, exchange, feedback, late, notice, runner, watchstate
from autograder.watchstate import Journal

#: Seconds a complete hand-in must stay unchanged before it is taken (``--settle``).
SETTLE = 5.0
#: Seconds between two looks at the inbound.
POLL = 2.0
#: A stated time this far outside the time in which the folder appeared is flagged.
CLOCK_TOLERANCE = 300.0
#: ``--once`` stops waiting for hand-ins that keep changing after this many settle periods.
ONCE_PATIENCE = 6
#: At most this many hand-ins go through grading, feedback and release in one pass (the oldest
#: first); then the inbound is looked at again. In a burst the first pages are out while the rest
#: are still being graded, and a hand-in that arrives meanwhile waits for the hand-ins before it,
#: not for the whole burst. Four per core keeps every core busy in each grading run.
PER_PASS = max(8, 4 * (os.cpu_count() or 1))
#: Grading jobs run at once on this machine: two per core. A job waits part of its time (its
#: sandbox and kernel starting, messages, the kernel stopped, files written), so with one job
#: per core the cores idle a third of a pass; a second job per core fills that time
#: (bench/README.md, "Grading on arrival").
GRADING_JOBS = 2 * (os.cpu_count() or 1)
#: What the log says once the class-wide steps are done (:func:`_catch_up`).
CAUGHT_UP = "every late penalty recomputed, reports/ rewritten"
#: When students see the hidden tests' results (``--hidden-results``): as soon as their hand-in is
#: graded, or only from their own due date on (extension included); the first is the default.
HIDDEN_RESULTS = ("on-arrival", "at-due-date")
#: What :func:`autograder.exchange.entry_problem` says of a hand-in over ``max_dir_size``.
TOO_LARGE = "more than CourseDirectory.max_dir_size"
#: Test hook: the service kills itself (SIGKILL) right after doing this step, before the journal
#: records it (``collect``, ``grade``, ``feedback`` or ``release``).
KILL_HOOK = "AUTOGRADER_WATCH_KILL_AFTER"

log = logging.getLogger("autograder.watch")


@dataclass
class Course:
    """What the service needs of the course's configuration."""

    root: Path
    db_url: str
    inbound: Path
    assignments: list[str]
    max_file_size: int   # kB, CourseDirectory.max_file_size
    max_dir_size: int    # kB
    ignore: list[str]


def load_course(root: Path, db_url: str | None = None) -> Course:
    """The course at ``root`` as nbgrader's configuration describes it (course id, exchange
    root, size limits); :class:`ValueError` when it names no course id."""
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default.exchange import Exchange

    config = course.config(root)
    coursedir = CourseDirectory(config=config)
    if not coursedir.course_id:
        raise ValueError("the nbgrader configuration sets no c.CourseDirectory.course_id")
    exchange_root = Path(Exchange(coursedir=coursedir, config=config).root)
    return Course(root=root, db_url=course.db_url(root, db_url),
                  inbound=exchange_root / coursedir.course_id / "inbound", assignments=course.assignments(root),
                  max_file_size=int(coursedir.max_file_size), max_dir_size=int(coursedir.max_dir_size),
                  ignore=list(coursedir.ignore))


# --- looking at the inbound -------------------------------------------------------------------

def fingerprint(path: Path) -> tuple[str, float]:
    """A digest of the names, kinds, sizes and times of everything under ``path`` (no link
    followed), and the newest modification time among them."""
    parts, newest = [], 0.0
    for dirpath, dirnames, filenames in os.walk(path):
        for name in sorted([*dirnames, *filenames]):
            full = os.path.join(dirpath, name)
            try:
                info = os.lstat(full)
            except OSError:
                continue
            parts.append(f"{os.path.relpath(full, path)}\0{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}")
            newest = max(newest, info.st_mtime)
    info = os.lstat(path)
    parts.append(f".\0{info.st_mode}\0{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest(), max(newest, info.st_mtime)


def lacks(path: Path) -> list[str]:
    """What the hand-in folder ``path`` still lacks to be complete (``nbgrader submit`` writes
    the notebooks, then ``timestamp.txt``, then ``submission_secret.txt``)."""
    kinds = {}
    for name in os.listdir(path):
        try:
            kinds[name] = os.lstat(path / name).st_mode
        except OSError:
            continue
    missing = [name for name in (exchange.TIMESTAMP_FILE, exchange.SECRET_FILE) if not stat.S_ISREG(kinds.get(name, 0))]
    if not any(name.endswith(".ipynb") and stat.S_ISREG(mode) for name, mode in kinds.items()):
        missing.append("a notebook")
    return missing


def _problem(c: Course, name: str, student: str) -> str | None:
    """Why ``inbound/name`` cannot be taken now (refused, or not complete), or None."""
    why = exchange.entry_problem(c.inbound, name, student, max_file_size=c.max_file_size,
                                 max_dir_size=c.max_dir_size)
    if why:
        return why
    try:
        missing = lacks(c.inbound / name)
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    return f"incomplete, no {', '.join(missing)} yet" if missing else None


def _note(table: dict[str, str], name: str, why: str, level: int = logging.WARNING) -> None:
    """Remember why ``name`` is where it is, logging it when that is news."""
    if table.get(name) != why:
        table[name] = why
        log.log(level, "inbound/%s: %s", name, why)


def _utc(moment: datetime.datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)).timestamp()


def _check_clock(c: Course, journal: Journal, name: str) -> None:
    """Flag a ``timestamp.txt`` outside the time in which the folder appeared (between the scan
    before it was first seen and that one), by more than :data:`CLOCK_TOLERANCE`."""
    from nbgrader.utils import parse_utc

    seen = journal.seen[name]
    try:
        claim = _utc(parse_utc(exchange.read_small(str(c.inbound / name / exchange.TIMESTAMP_FILE)).strip()))
    except (OSError, ValueError, OverflowError, TypeError) as error:
        _note(journal.flags, name, f"timestamp.txt is not a time ({error})")
        return
    earliest, latest = seen.get("after"), seen["first_seen"]
    when = datetime.datetime.fromtimestamp(claim, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    if claim > latest + CLOCK_TOLERANCE or (earliest is not None and claim < earliest - CLOCK_TOLERANCE):
        first = datetime.datetime.fromtimestamp(latest, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        _note(journal.flags, name, f"timestamp.txt says {when}, but the folder was first seen at {first}"
              + (f" and was not there at {datetime.datetime.fromtimestamp(earliest, datetime.timezone.utc):%H:%M:%S}"
                 if earliest is not None else ""))


Ready = list[tuple[str, str, str, float]]


def scan(c: Course, journal: Journal, settle: float, now: float) -> tuple[Ready, float | None]:
    """Look at the inbound once: the complete, settled hand-ins not handled yet as
    ``(name, student, assignment, stated time)``, and the seconds until the next complete one
    settles (None: none is settling)."""
    try:
        names = sorted(os.listdir(c.inbound))
    except OSError as error:
        _note(journal.refused, ".", f"the inbound cannot be read ({error.strerror}): is the exchange root right?",
              logging.ERROR)
        return [], None
    journal.refused.pop(".", None)
    present = set(names)
    for table in (journal.seen, journal.refused, journal.set_aside, journal.waiting, journal.done, journal.newcomers):
        for name in [n for n in table if n not in present]:
            del table[name]
    taken = {job["entry"] for job in journal.jobs.values()}
    ready, settling = [], None
    for name in names:
        if name in journal.done or name in taken:
            continue
        parsed = exchange.parse_entry(name)
        if isinstance(parsed, str):
            _note(journal.refused, name, parsed)
            continue
        student, assignment, stated = parsed
        if assignment not in c.assignments:
            _note(journal.set_aside, name, f"set aside: the course has no assignment {assignment!r}")
            continue
        why = exchange.entry_problem(c.inbound, name, student, max_file_size=c.max_file_size,
                                     max_dir_size=c.max_dir_size)
        if why:
            news = journal.refused.get(name) != f"not collected: {why}"
            _note(journal.refused, name, f"not collected: {why}")
            if news and TOO_LARGE in why:   # the student's own hand-in, refused: they are told why, once
                _tell(c, f"{student}/{assignment}", name, [f"not graded: the hand-in is {why}"], collected=False)
            continue
        journal.refused.pop(name, None)
        try:
            digest, newest = fingerprint(c.inbound / name)
            missing = lacks(c.inbound / name)
        except OSError as error:
            _note(journal.refused, name, f"cannot be read ({error.strerror})")
            continue
        seen = journal.seen.get(name)
        if seen is None:
            seen = journal.seen[name] = {"first_seen": now, "after": journal.last_scan, "fingerprint": digest,
                                         "stable_since": min(now, newest)}
        elif seen["fingerprint"] != digest:
            seen.update(fingerprint=digest, stable_since=now)
        if missing:
            _note(journal.waiting, name, f"incomplete, no {', '.join(missing)} yet", logging.INFO)
            continue
        if journal.waiting.get(name, "").startswith("incomplete"):
            del journal.waiting[name]
        left = seen["stable_since"] + settle - now
        if left > 0:
            settling = left if settling is None else min(settling, left)
            continue
        ready.append((name, student, assignment, _utc(stated)))
    journal.last_scan = now
    return ready, settling


def gradebook_students(db_url: str) -> set[str]:
    """The ids of the students the gradebook at ``db_url`` has."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return {student.id for student in gradebook.students}


def _newcomers(c: Course, journal: Journal, ready: Ready, roster_only: bool) -> Ready:
    """``ready`` without the hand-ins of students the gradebook does not have, when
    ``roster_only`` (set aside and reported); otherwise all of them, those of students new to
    the gradebook noted (they are graded and added, as batch grading does)."""
    if not ready:
        return ready
    known = gradebook_students(c.db_url)
    kept = []
    for item in ready:
        name, student = item[0], item[1]
        if student not in known and roster_only:
            _note(journal.set_aside, name, f"set aside: {student} is not in the gradebook (--roster-only; add them "
                                           "with `python -m autograder roster FILE`)")
            continue
        journal.set_aside.pop(name, None)   # in the gradebook now, or no longer --roster-only
        if student not in known:
            _note(journal.newcomers, name, f"{student} was not in the gradebook: graded and added", logging.INFO)
        kept.append(item)
    return kept


def enqueue(c: Course, journal: Journal, ready: Ready, now: float,
            cooldown: float = 0.0, roster_only: bool = False) -> None:
    """Queue the newest ready hand-in of each student and assignment; older ones are superseded.
    A job already past collecting finishes first (the newer hand-in is queued after it); a
    hand-in within ``cooldown`` seconds of the student's previous one taken waits; a student
    the gradebook does not have is set aside with ``roster_only`` (see :func:`_newcomers`)."""
    newest: dict[str, tuple[float, str]] = {}
    for name, student, assignment, stated in _newcomers(c, journal, ready, roster_only):
        key = f"{student}/{assignment}"
        if key in newest and newest[key] >= (stated, name):
            journal.done[name] = f"superseded by inbound/{newest[key][1]}"
            continue
        if key in newest:
            journal.done[newest[key][1]] = f"superseded by inbound/{name}"
        newest[key] = (stated, name)
    for key, (stated, name) in newest.items():
        previous = journal.latest.get(key)
        before = exchange.parse_entry(previous) if previous else None
        if isinstance(before, tuple) and _utc(before[2]) >= stated:
            journal.done[name] = f"not newer than inbound/{previous}, already taken"
            log.info("inbound/%s: not newer than inbound/%s, which was taken", name, previous)
            continue
        taken_at = journal.taken_at.get(key)
        if cooldown and taken_at is not None and now < taken_at + cooldown:
            until = datetime.datetime.fromtimestamp(taken_at + cooldown, datetime.timezone.utc)
            _note(journal.waiting, name,
                  f"handed in again within the cooldown; taken after {until:%Y-%m-%d %H:%M:%S} UTC", logging.INFO)
            continue
        journal.waiting.pop(name, None)
        job = journal.jobs.get(key)
        if job is not None and job["step"] != "queued":
            continue   # in flight: it finishes, without releasing its feedback (see _release)
        if job is not None:
            journal.done[job["entry"]] = f"superseded by inbound/{name}"
        journal.jobs[key] = {"entry": name, "step": "queued", "since": now}
        _check_clock(c, journal, name)
        log.info("inbound/%s: queued", name)


# --- the steps ----------------------------------------------------------------------------------

def _release_command(key: str) -> list[str]:
    """``nbgrader release_feedback A --student S`` for the job ``key`` (``S/A``)."""
    student, assignment = key.split("/")
    return ["release_feedback", assignment, "--student", student]


def _released(done: runner.Finished) -> bool:
    """Whether a ``release_feedback`` released the page (nbgrader exits 0 also when it did not)."""
    return done.returncode == 0 and "Feedback not released" not in done.output


def _kill_hook(step: str) -> None:
    if os.environ.get(KILL_HOOK) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _fail(journal: Journal, key: str, step: str, reason: str) -> None:
    job = journal.jobs.pop(key)
    journal.failed[key] = {"entry": job["entry"], "step": step, "reason": reason}
    journal.done[job["entry"]] = f"failed at {step}: {reason}"
    log.error("%s (inbound/%s): %s failed: %s", key, job["entry"], step, reason)


def _notebooks(c: Course, assignment: str) -> list[str]:
    """The names (without ``.ipynb``) of the assignment's released notebooks."""
    return sorted(path.stem for path in (c.root / course.RELEASE / assignment).glob("*.ipynb"))


def _tell(c: Course, key: str, entry: str, lines: list[str], *, collected: bool,
          notebooks: list[str] | None = None, release: bool = True) -> None:
    """Release a :mod:`autograder.notice` page saying ``lines`` for ``notebooks`` (default: all
    of the assignment's) of the hand-in ``entry``, so that the student learns why it was not
    graded. The hand-in's secret and time come from ``submitted/`` once it is ``collected`` (else
    from the inbound); without them nothing can reach the student, which is logged. Not
    ``release``: only written, for the release step to release with the rest of the feedback."""
    student, assignment = key.split("/")
    submitted = c.root / course.SUBMITTED / student / assignment
    try:
        where = submitted if collected else c.inbound / entry
        timestamp = exchange.read_small(str(where / exchange.TIMESTAMP_FILE))
        secret = exchange.read_small(str(where / exchange.SECRET_FILE))
    except (OSError, ValueError) as error:
        log.warning("%s (inbound/%s): the student cannot be told why (%s)", key, entry, error)
        return
    notice.write(c.root / "feedback" / student / assignment, assignment, notebooks or _notebooks(c, assignment),
                 timestamp, secret, lines)
    if not release:
        return
    done = course.run_nbgrader(c.root, *_release_command(key))
    if not _released(done):
        log.error("%s (inbound/%s): the page saying why was not released: %s", key, entry, done.output.strip()[-300:])
    else:
        log.info("%s (inbound/%s): the student is told why: %s", key, entry, "; ".join(lines))


def _collect(c: Course, journal: Journal, key: str) -> None:
    job = journal.jobs[key]
    name = job["entry"]
    student, assignment = key.split("/")
    why = _problem(c, name, student)
    if why:
        _fail(journal, key, "collect", f"inbound/{name}: {why}")
        if "owned by" not in why:   # a folder forged in the student's name is not theirs to be told about
            _tell(c, key, name, [f"not graded: {why}"], collected=False)
        return
    try:
        before = fingerprint(c.inbound / name)[0]
        notes = exchange.copy_entry(c.inbound, name, c.root / course.SUBMITTED / student / assignment,
                                    ignore=c.ignore, max_file_size=c.max_file_size)
        changed = fingerprint(c.inbound / name)[0] != before
    except (OSError, ValueError) as error:
        _fail(journal, key, "collect", f"inbound/{name}: {error}")
        _tell(c, key, name, [notice.GRADER_SIDE], collected=False)
        return
    if changed:   # changed while it was copied: wait until it settles again
        log.warning("inbound/%s: changed while it was collected; taken again once it settles", name)
        del journal.jobs[key]
        journal.seen.pop(name, None)
        return
    for note in notes:
        log.warning("inbound/%s: %s", name, note)
    _kill_hook("collect")
    job["step"] = "collected"
    journal.failed.pop(key, None)
    journal.latest[key] = name
    journal.taken_at[key] = time.time()


def _grade(c: Course, journal: Journal, keys: list[str], broker: str | None, isolate: bool) -> None:
    """Grade the jobs ``keys`` (of any assignments) in one grading run, which keeps its parallel
    jobs busy across assignments; the class-wide steps wait for :func:`_catch_up`."""
    from autograder.grade import grade
    from autograder.sandbox import SandboxUnavailable

    pairs = [(key.split("/")[0], key.split("/")[1]) for key in keys]
    missing: set[tuple[str, str]] = set()
    journal.reports_stale = True   # saved before grading: a service killed meanwhile catches up when restarted
    watchstate.save(c.root, journal)
    try:
        if broker:
            from autograder import distributed
            _, run = distributed.grade_remote(c.root, broker, db_url=c.db_url, pairs=pairs, progress=False,
                                              class_wide=False)
            missing = set(run.missing)
        else:
            grade(c.root, db_url=c.db_url, isolate=isolate, progress=False, pairs=pairs, jobs=GRADING_JOBS,
                  class_wide=False)
    except (SandboxUnavailable, ValueError, OSError) as error:
        for key in keys:
            entry = journal.jobs[key]["entry"]
            _fail(journal, key, "grade", str(error))
            _tell(c, key, entry, [notice.GRADER_SIDE], collected=True)
        return
    _kill_hook("grade")
    for key in keys:
        if tuple(key.split("/")) in missing:
            log.warning("%s: not graded by the workers yet; tried again on the next pass", key)
        else:
            journal.jobs[key]["step"] = "graded"
            log.info("%s (inbound/%s): graded", key, journal.jobs[key]["entry"])


def _catch_up(c: Course, journal: Journal) -> None:
    """Once nothing is left to grade: every late penalty recomputed and the reports rewritten
    (:func:`autograder.grade.catch_up`), which a burst's passes leave to its end. Each graded
    hand-in's own penalty was applied when it was recorded, before its feedback was made."""
    from autograder.grade import catch_up

    try:
        catch_up(c.root, c.db_url, say=log.info)
    except (ValueError, OSError) as error:
        log.error("reports/ and late penalties not brought up to date, tried again on the next pass: %s", error)
        return
    journal.reports_stale = False
    watchstate.save(c.root, journal)
    log.info("%s", CAUGHT_UP)


def _not_due(c: Course, key: str, now: float) -> str | None:
    """Why the hidden tests' results of ``key`` are still withheld (its due date, extension
    included, is after ``now``, or there is none), or None when they may be shown."""
    student, assignment = key.split("/")
    moment = late.due(c.root, c.db_url, student, assignment)
    if moment is None:
        return "the assignment has no due date yet"
    return f"due {moment:%Y-%m-%d %H:%M:%S} UTC" if moment.timestamp() > now else None


def _feedback_command(c: Course, key: str, withhold: bool) -> list[str]:
    student, assignment = key.split("/")
    return _feedback_students_command(c, assignment, [student], withhold)


def _feedback_students_command(c: Course, assignment: str, students: list[str], withhold: bool,
                               graded: set[str] | None = None) -> list[str]:
    """``nbgrader generate_feedback`` of ``assignment`` for ``students``: one of them by
    ``--student``; several in one process (the exporter and gradebook set up once), as every
    student whose graded hand-in is in ``autograded/`` (``graded``, when the caller has them)
    less the others, excluded by id."""
    if len(students) == 1:
        chosen = ["--student", students[0]]
    else:
        others = sorted((_graded_students(c, assignment) if graded is None else graded) - set(students))
        chosen = [f"--CourseDirectory.student_id_exclude={','.join(others)}"] if others else []
    command = ["generate_feedback", assignment, *chosen, "--force", *feedback.nbgrader_options(c.db_url)]
    if withhold:
        command += ["--WithholdHiddenResults.enabled=True", f"--WithholdHiddenResults.solutions={c.root / course.SOURCE}"]
    return command


def _graded_students(c: Course, assignment: str) -> set[str]:
    """The ids of ``autograded/<student>/<assignment>/`` folders."""
    try:
        return {entry.name for entry in os.scandir(c.root / feedback.AUTOGRADED)
                if (c.root / feedback.AUTOGRADED / entry.name / assignment).is_dir()}
    except OSError:
        return set()


def _feedback_groups(keys: list[str], withheld: dict[str, bool], graded: dict[str, set[str]]) -> list[list[str]]:
    """The jobs ``keys`` in groups that one ``generate_feedback`` can make: the same assignment
    and the same withholding. A student id that nbgrader's comma-separated exclusion list could
    not hold (none the exchange accepts; ``graded``: per assignment, the students graded) keeps
    its assignment's jobs one per command."""
    groups: dict[tuple[str, bool], list[str]] = {}
    for key in keys:
        groups.setdefault((key.split("/")[1], withheld[key]), []).append(key)
    out: list[list[str]] = []
    for (assignment, _), group in groups.items():
        if len(group) > 1 and any("," in student for student in graded[assignment]):
            out += [[key] for key in group]
        else:
            out.append(group)
    return out


def _make_pages(c: Course, keys: list[str], withheld: dict[str, bool]) -> dict[str, runner.Finished]:
    """Run ``generate_feedback`` for ``keys``, grouped (see :func:`_feedback_groups`); how the
    command that made each key's pages ended. A group whose command failed is made again one
    key per command, so that one student's failure is not another's."""
    graded = {assignment: _graded_students(c, assignment) for assignment in {key.split("/")[1] for key in keys}}
    groups = _feedback_groups(keys, withheld, graded)

    def commands(of: list[list[str]]) -> list[list[str]]:
        return [_feedback_students_command(c, group[0].split("/")[1], [key.split("/")[0] for key in group],
                                           withheld[group[0]], graded[group[0].split("/")[1]]) for group in of]

    jobs = os.cpu_count() or 1
    ended: dict[str, runner.Finished] = {}
    again: list[list[str]] = []
    for group, done in zip(groups, course.run_nbgrader_many(c.root, commands(groups), jobs=jobs)):
        if done.returncode != 0 and len(group) > 1:
            again += [[key] for key in group]
        else:
            ended.update({key: done for key in group})
    for group, done in zip(again, course.run_nbgrader_many(c.root, commands(again), jobs=jobs) if again else []):
        ended[group[0]] = done
    return ended


def _feedback(c: Course, journal: Journal, keys: list[str], hidden_results: str) -> None:
    now = time.time()
    for key in keys:
        journal.jobs[key]["withheld"] = hidden_results == "at-due-date" and _not_due(c, key, now) is not None
    started = time.time() - 1.0   # pages older than this are an earlier hand-in's
    finished = _make_pages(c, keys, {key: journal.jobs[key]["withheld"] for key in keys})
    _kill_hook("feedback")
    for key in keys:
        done = finished[key]
        student, assignment = key.split("/")
        entry = journal.jobs[key]["entry"]
        pages = {path.stem for path in (c.root / "feedback" / student / assignment).glob("*.html")
                 if path.stat().st_mtime >= started}
        unpaged = [name for name in _notebooks(c, assignment) if name not in pages]
        if done.returncode != 0 or not pages:
            _fail(journal, key, "feedback", f"nbgrader generate_feedback failed: {done.output.strip()[-300:]}"
                  if done.returncode != 0 else "no feedback page: grading failed (see reports/summary.txt)")
            _tell(c, key, entry, notice.plain(_reasons(c, key)), collected=True)
        else:
            if unpaged:   # a notebook missing or unreadable: its page says so, the others are feedback
                _tell(c, key, entry, notice.plain(_reasons(c, key)), collected=True, notebooks=unpaged, release=False)
            journal.jobs[key]["step"] = "feedback"


def _reasons(c: Course, key: str) -> list[str]:
    """What grading noted about ``key`` (``reports/notes/``): why a notebook was not graded."""
    from autograder.jobs import notes_path

    path = notes_path(c.root, *key.split("/"))
    try:
        return [str(reason) for reason in json.loads(path.read_text(encoding="utf-8")).get("reasons", [])]
    except (OSError, ValueError, AttributeError):
        return []


def _newer_arrived(c: Course, journal: Journal, key: str) -> str | None:
    """The name of a complete hand-in for ``key`` newer than the job's, if one has arrived."""
    student, assignment = key.split("/")
    mine = exchange.parse_entry(journal.jobs[key]["entry"])
    try:
        names = os.listdir(c.inbound)
    except OSError:
        return None
    for name in names:
        parsed = exchange.parse_entry(name)
        if (isinstance(parsed, tuple) and isinstance(mine, tuple) and parsed[:2] == (student, assignment)
                and parsed[2] > mine[2] and name not in journal.done and _problem(c, name, student) is None):
            return name
    return None


def _release(c: Course, journal: Journal, keys: list[str]) -> None:
    """Release the feedback of the jobs ``keys`` (``nbgrader release_feedback A --student S``,
    one process per job, as many at once as there are cores), less those of which a newer
    hand-in has arrived; the journal records each, saved after each. Releasing is idempotent:
    a job released but not recorded (the service killed in between) is released again."""
    superseded = {key: newer for key in keys if (newer := _newer_arrived(c, journal, key))}
    for key, newer in superseded.items():
        name = journal.jobs.pop(key)["entry"]
        log.info("%s (inbound/%s): graded; feedback not released, inbound/%s arrived meanwhile", key, name, newer)
        journal.done[name] = f"graded; feedback not released: inbound/{newer} arrived meanwhile"
        watchstate.save(c.root, journal)
    keys = [key for key in keys if key not in superseded]
    commands = [_release_command(key) for key in keys]
    for key, done in zip(keys, course.run_nbgrader_many(c.root, commands, jobs=os.cpu_count() or 1)):
        name = journal.jobs[key]["entry"]
        if not _released(done):
            _fail(journal, key, "release", f"nbgrader release_feedback: {done.output.strip()[-300:]}")
            watchstate.save(c.root, journal)
            continue
        _kill_hook("release")
        job = journal.jobs.pop(key)
        if job.get("withheld"):
            journal.withheld[key] = name
            journal.done[name] = "feedback released, hidden-test results withheld until the due date"
        else:
            journal.withheld.pop(key, None)
            journal.done[name] = "feedback released"
        log.info("%s (inbound/%s): %s", key, name, journal.done[name])
        watchstate.save(c.root, journal)


def _release_due(c: Course, journal: Journal) -> None:
    """For each hand-in released with its hidden-test results withheld whose student is now
    past their due date (and has no newer job in flight): the full feedback, released under
    the same name (the student's next *Fetch Feedback* replaces the page)."""
    now = time.time()
    for key, name in sorted(journal.withheld.items()):
        if key in journal.jobs or _not_due(c, key, now):
            continue
        done = course.run_nbgrader(c.root, *_feedback_command(c, key, withhold=False))
        if done.returncode == 0:
            done = course.run_nbgrader(c.root, *_release_command(key))
        if not _released(done):
            log.error("%s (inbound/%s): full feedback at the due date not released, tried again on the next "
                      "pass: %s", key, name, done.output.strip()[-300:])
            continue
        del journal.withheld[key]
        journal.done[name] = "feedback released, with the hidden tests' results (due date passed)"
        log.info("%s (inbound/%s): %s", key, name, journal.done[name])
        watchstate.save(c.root, journal)


def process(c: Course, journal: Journal, broker: str | None, isolate: bool,
            hidden_results: str = "on-arrival", per_pass: int = PER_PASS) -> None:
    """Collect every queued job, then take the ``per_pass`` oldest collected jobs through their
    remaining steps (those an interrupted pass left half-way first: they are the oldest); the
    journal is saved after each step. Then release the full feedback of those now past their due
    date. The jobs left are taken by the next passes."""
    def at(*steps: str) -> list[str]:
        return [key for key, job in sorted(journal.jobs.items(), key=lambda item: (item[1]["since"], item[0]))
                if job["step"] in steps]

    def now_at(keys: list[str], step: str) -> list[str]:
        return [key for key in keys if journal.jobs.get(key, {}).get("step") == step]

    for key in at("queued"):
        _collect(c, journal, key)
        watchstate.save(c.root, journal)
    chosen = at("collected", "graded", "feedback")[:max(1, per_pass)]
    to_grade = now_at(chosen, "collected")
    if to_grade:
        _grade(c, journal, to_grade, broker, isolate)
        watchstate.save(c.root, journal)
    graded = now_at(chosen, "graded")
    if graded:
        _feedback(c, journal, graded, hidden_results)
        watchstate.save(c.root, journal)
    to_release = now_at(chosen, "feedback")
    if to_release:
        _release(c, journal, to_release)
    if journal.reports_stale and not at("queued", "collected"):
        _catch_up(c, journal)
    _release_due(c, journal)


def run_pass(c: Course, journal: Journal, *, settle: float, broker: str | None, isolate: bool,
             cooldown: float = 0.0, hidden_results: str = "on-arrival", roster_only: bool = False,
             per_pass: int = PER_PASS) -> float | None:
    """One look at the inbound and the work it brings; the seconds until a complete hand-in
    that is still changing settles (None: none)."""
    now = time.time()
    ready, settling = scan(c, journal, settle, now)
    enqueue(c, journal, ready, now, cooldown, roster_only)
    watchstate.save(c.root, journal)
    process(c, journal, broker, isolate, hidden_results, per_pass)
    return settling


# --- the service --------------------------------------------------------------------------------

def _only_one(root: Path) -> contextlib.AbstractContextManager[None]:
    """Hold the course's writer lock (:func:`autograder.watchstate.hold`); :class:`RuntimeError`
    when another service, ``grade`` or ``feedback`` holds it."""
    return watchstate.hold(root, "watch")


def _logging(root: Path) -> Path:
    path = watchstate.folder(root) / watchstate.LOG
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    for handler in (logging.FileHandler(path, encoding="utf-8"), logging.StreamHandler(sys.stderr)):
        handler.setFormatter(formatter)
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return path


def main(root: Path, *, broker: str | None = None, once: bool = False, settle: float = SETTLE,
         db_url: str | None = None, isolate: bool = True, poll: float = POLL, cooldown: float = 0.0,
         hidden_results: str = "on-arrival", roster_only: bool = False, per_pass: int | None = None) -> int:
    """``python -m autograder watch``: run until stopped (``once``: until nothing pending is
    left, then exit 0). Raises :class:`ValueError` or :class:`RuntimeError` with a message for
    the instructor when it cannot start."""
    per_pass = PER_PASS if per_pass is None else per_pass
    if per_pass < 1:
        raise ValueError(f"--per-pass is at least 1, not {per_pass}")
    if hidden_results not in HIDDEN_RESULTS:
        raise ValueError(f"--hidden-results is one of {', '.join(HIDDEN_RESULTS)}, not {hidden_results!r}")
    root = root.resolve()
    c = load_course(root, db_url)
    if isolate and not broker:
        from autograder import sandbox
        sandbox.bwrap_path()   # no sandbox, no grading: say so before the first hand-in
    with _only_one(root):
        path = _logging(root)
        log.info("watching %s (log: %s)", c.inbound, path)
        journal = watchstate.load(root)
        give_up = time.monotonic() + ONCE_PATIENCE * max(settle, POLL)
        try:
            while True:
                before = {key: job["step"] for key, job in journal.jobs.items()}
                settling = run_pass(c, journal, settle=settle, broker=broker, isolate=isolate, cooldown=cooldown,
                                    hidden_results=hidden_results, roster_only=roster_only, per_pass=per_pass)
                if journal.jobs and {key: job["step"] for key, job in journal.jobs.items()} != before:
                    continue   # more hand-ins to take (see PER_PASS): at once, after a look at the inbound
                if once and (settling is None or time.monotonic() > give_up):
                    return 0
                time.sleep(settling + 0.05 if once and settling is not None else min(poll, settling or poll))
        except KeyboardInterrupt:   # Ctrl-C: what is done is in the journal, the rest is done next time
            log.info("stopped")
            return 0


__all__ = ["CLOCK_TOLERANCE", "HIDDEN_RESULTS", "KILL_HOOK", "SETTLE", "enqueue", "fingerprint", "gradebook_students", "lacks", "load_course", "main",
           "process", "run_pass", "scan"]
