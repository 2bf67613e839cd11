"""Opening nbgrader gradebooks again and again in one process, at the cost of opening one.

A grading job opens the same gradebook nine times (the autograde converter and each of its
preprocessors open their own ``nbgrader.api.Gradebook``), and each opening

* lists the database's tables and runs SQLAlchemy's ``create_all`` (a query per table), and
* makes a new SQLAlchemy engine, whose cache of compiled SQL statements starts empty, so every
  query of that gradebook is compiled again (about 35 per job);

about 0.2 s of a job's CPU. :func:`install` makes the openings after the first one of a database
URL in a process reuse that URL's engine (``Gradebook.close`` disposes of the engine's
connections, not of the engine, which opens new ones when used again) and skip the table
check (the tables do not go away while a command runs). Everything else nbgrader does when it
opens a gradebook is unchanged. The grading jobs' fork server installs it
(:mod:`autograder.preload`); the fork server itself never opens a course's gradebook, so no
engine is shared between processes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_ENGINES: dict[tuple, object] = {}
_OPENED: set[str] = set()   # URLs whose tables a Gradebook of this process checked


class _TablesExist:
    """What ``sqlalchemy.inspect(engine)`` answers for a database already opened: it has tables."""

    def __init__(self, engine: object) -> None:
        self.engine = engine

    @staticmethod
    def get_table_names() -> list[str]:
        return ["(opened before by this process)"]


@contextlib.contextmanager
def _opened_before() -> Iterator[None]:
    import nbgrader.api as api

    inspect, create_all = api.inspect, api.Base.metadata.create_all
    api.inspect = _TablesExist
    api.Base.metadata.create_all = lambda *args, **kwargs: None
    try:
        yield
    finally:
        api.inspect = inspect
        api.Base.metadata.create_all = create_all


def install() -> None:
    """Make ``nbgrader.api.Gradebook`` reuse a URL's engine and check its tables once per
    process (idempotent)."""
    import nbgrader.api as api

    original = api.Gradebook.__init__
    if getattr(original, "reuses_engines", False):
        return
    create_engine = api.create_engine

    def reused_engine(url: str, **kwargs: object) -> object:
        key = (url, tuple(sorted(kwargs.items())))
        if key not in _ENGINES:
            _ENGINES[key] = create_engine(url, **kwargs)
        return _ENGINES[key]

    def __init__(self, db_url: str, *args: object, **kwargs: object) -> None:
        with _opened_before() if db_url in _OPENED else contextlib.nullcontext():
            original(self, db_url, *args, **kwargs)
        _OPENED.add(db_url)

    api.create_engine = reused_engine
    __init__.reuses_engines = True  # type: ignore[attr-defined]
    __init__.original = original  # type: ignore[attr-defined]
    api.Gradebook.__init__ = __init__
