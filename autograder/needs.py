"""What the commands need installed, and the ``make`` target that installs it.

A command run in an environment that lacks one of its modules (a worker machine set up with the
student layer only, say) says so in one sentence, with the target to run, instead of a traceback.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Sequence

#: The make target that installs everything ``python -m autograder`` uses: the grading layer
#: (requirements-grader.txt) on top of the student layer (requirements.txt).
TARGET = "make grader-env"
#: Modules that only some commands import, late: Celery and its Redis client (``worker``,
#: ``grade --broker``).
WORKERS = ("celery", "redis")


def for_gradebook(url: str) -> tuple[str, ...]:
    """The driver a gradebook URL needs beyond SQLite: psycopg2 for PostgreSQL."""
    if not isinstance(url, str):
        raise TypeError(f"a gradebook URL must be a string, not {type(url).__name__}")
    return ("psycopg2",) if url.partition(":")[0].partition("+")[0] in ("postgresql", "postgres") else ()


def missing(modules: Iterable[str]) -> list[str]:
    """The modules of ``modules`` that cannot be imported here, in order."""
    absent = []
    for name in modules:
        if not isinstance(name, str):
            raise TypeError(f"a module name must be a string, not {type(name).__name__}")
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):   # a parent package missing, or a module set to None
            found = False
        if not found:
            absent.append(name)
    return absent


def message(command: str, modules: Sequence[str]) -> str:
    """What to tell the user when ``command`` cannot run because ``modules`` are not installed."""
    if not modules:
        raise ValueError("message() needs at least one missing module")
    names = ", ".join(modules)
    verb = "is" if len(modules) == 1 else "are"
    return (f"python -m autograder {command}: {names} {verb} not installed in {sys.prefix}. Run `{TARGET}` "
            "in the course folder (it installs requirements-grader.txt, the grading layer), then the command again.")
