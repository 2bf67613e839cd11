"""The journal of ``python -m autograder watch``: what it has seen in the exchange's inbound and
how far each hand-in has gone, in ``.watch/journal.json`` of the course folder (ignored by git).

Written whole to a temporary file and renamed over the old one after each step, so that a
service killed at any moment finds, when it starts again, either the state before the step or
the state after it: a step found undone is done again (every step can be), none is lost.
Only the standard library is imported: ``python -m autograder status`` reads it too.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

FOLDER = ".watch"
JOURNAL = "journal.json"
LOG = "watch.log"
LOCK = "lock"
#: The steps of a hand-in, in order; a job's ``step`` is the last one done.
STEPS = ("queued", "collected", "graded", "feedback", "released")


@dataclass
class Journal:
    """What the service knows. Keys of ``jobs`` and ``failed`` are ``student/assignment``; the
    others are inbound entry names."""

    last_scan: float | None = None
    seen: dict[str, dict] = field(default_factory=dict)        # name -> first_seen, fresh, fingerprint, stable_since
    refused: dict[str, str] = field(default_factory=dict)      # name -> why it is not taken
    set_aside: dict[str, str] = field(default_factory=dict)    # name -> why (an assignment not in the course)
    waiting: dict[str, str] = field(default_factory=dict)      # name -> what it still lacks (partial)
    flags: dict[str, str] = field(default_factory=dict)        # name -> the timestamp's disagreement
    done: dict[str, str] = field(default_factory=dict)         # name -> what became of it
    latest: dict[str, str] = field(default_factory=dict)       # key -> newest entry taken for it
    taken_at: dict[str, float] = field(default_factory=dict)   # key -> when that entry was taken
    jobs: dict[str, dict] = field(default_factory=dict)        # key -> entry, step, since
    failed: dict[str, dict] = field(default_factory=dict)      # key -> entry, step, reason
    withheld: dict[str, str] = field(default_factory=dict)     # key -> entry released without hidden results
    newcomers: dict[str, str] = field(default_factory=dict)    # name -> its student, new to the gradebook
    reports_stale: bool = False   # graded since the class-wide steps (late penalties, reports) last ran


def folder(root: Path) -> Path:
    return root / FOLDER


def load(root: Path) -> Journal:
    """The journal of the course at ``root`` (empty when there is none yet)."""
    path = folder(root) / JOURNAL
    if not path.is_file():
        return Journal()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = Journal.__dataclass_fields__
        return Journal(**{key: value for key, value in data.items() if key in known})
    except (ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"{path} cannot be read ({error}); move it away to start with an empty journal "
                         "(hand-ins already released are then taken again)") from None


def save(root: Path, journal: Journal) -> None:
    """Replace the journal on disk with ``journal`` in one rename (flushed to disk first)."""
    where = folder(root)
    where.mkdir(mode=0o700, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".journal-", dir=where)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(journal), out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, where / JOURNAL)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Busy(RuntimeError):
    """Another writer holds the course's lock (see :func:`hold`)."""


@contextmanager
def hold(root: Path, command: str) -> Iterator[None]:
    """Hold the course's writer lock (``.watch/lock``) as ``python -m autograder command``:
    ``watch``, and the ``grade`` and ``feedback`` commands, which write the same gradebook,
    ``reports/`` and ``feedback/``, never run at once on a course (nor formgrader's Collect,
    Generate and Release Feedback, ``command`` ``formgrader``). :class:`Busy`, naming the
    holder and its process id, when another holds it."""
    where = folder(root)
    where.mkdir(mode=0o700, exist_ok=True)
    with open(where / LOCK, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            pid, _, holder = lock.read().strip().partition(" ")
            what = "formgrader (Collect, Generate or Release Feedback)" if holder == "formgrader" else \
                f"`python -m autograder {holder or 'watch'}`"
            raise Busy(f"another {what} is running on this course (process {pid or '?'})") from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()} {command}")
        lock.flush()
        try:
            yield
        finally:
            lock.seek(0)
            lock.truncate()


@dataclass
class Queue:
    """What ``status`` shows of the service: lines per kind, each ``student/assignment`` or an
    inbound entry with words."""

    queued: list[str] = field(default_factory=list)
    in_flight: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    newcomers: list[str] = field(default_factory=list)
    reports_stale: bool = False   # reports/ and late penalties are caught up once nothing is left to grade


def queue(root: Path) -> Queue | None:
    """The service's queue as the journal has it, or None when ``watch`` never ran here."""
    if not (folder(root) / JOURNAL).is_file():
        return None
    journal = load(root)
    state = Queue()
    for key, job in sorted(journal.jobs.items()):
        if job["step"] == "queued":
            state.queued.append(f"{key} ({job['entry']})")
        else:
            state.in_flight.append(f"{key}: {job['step']} ({job['entry']})")
    state.failed = [f"{key}: {failure['reason']} ({failure['entry']})"
                    for key, failure in sorted(journal.failed.items())]
    state.waiting = [f"inbound/{name}: {why}" for name, why in sorted(journal.waiting.items())]
    state.flagged = [f"inbound/{name}: {why}" for name, why in sorted(journal.flags.items())]
    state.set_aside = [f"inbound/{name}: {why}" for name, why in sorted(journal.set_aside.items())]
    state.refused = [f"inbound/{name}: {why}" for name, why in sorted(journal.refused.items())]
    state.withheld = [f"{key} ({name})" for key, name in sorted(journal.withheld.items())]
    state.newcomers = [f"inbound/{name}: {why}" for name, why in sorted(journal.newcomers.items())]
    state.reports_stale = journal.reports_stale
    return state


__all__ = ["Busy", "FOLDER", "Journal", "LOG", "Queue", "STEPS", "hold", "load", "queue", "save"]
