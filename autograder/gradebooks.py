"""Opening nbgrader gradebooks again and again in one process, at the cost of opening one.

A grading job opens the same gradebook nine times (the autograde converter and each of its
preprocessors open their own ``nbgrader.api.Gradebook``), and recording one result in the
course's gradebook four times. Each opening

* makes a new SQLAlchemy engine, whose cache of compiled SQL statements starts empty, so every
  query of that gradebook is compiled again, and
* lists the database's tables and runs SQLAlchemy's ``create_all`` (a query per table);

about 0.2 s of a job's CPU, 0.1 s of a recording's. :func:`install` makes every opening of a
database URL after the first one in a process reuse that URL's engine (``Gradebook.close``
disposes of the engine's connections, not of the engine, which opens new ones when used again)
and skip the table check once a gradebook of that engine has checked them (the tables do not
go away while a command runs). Everything else nbgrader does when it opens a gradebook is
unchanged. Safe from several threads (the ``grade`` command opens gradebooks from its workers);
a process forked from one that installed it makes its own engines.
"""

from __future__ import annotations

import os
import threading

_LOCK = threading.Lock()
_ENGINES: dict[tuple, object] = {}   # (URL, options) -> the engine this process uses for it
_CHECKED: set[int] = set()           # id() of the engines whose tables a Gradebook checked


class _TablesExist:
    """What ``sqlalchemy.inspect(engine)`` answers for a database already checked: it has tables."""

    def __init__(self, engine: object) -> None:
        self.engine = engine

    @staticmethod
    def get_table_names() -> list[str]:
        return ["(checked before by this process)"]


def _forget() -> None:
    """In a forked child: the parent's engines (and their connections) are not the child's."""
    _ENGINES.clear()
    _CHECKED.clear()


def install() -> None:
    """Make ``nbgrader.api.Gradebook`` reuse a URL's engine and check its tables once per
    process (idempotent)."""
    import nbgrader.api as api

    original = api.Gradebook.__init__
    if getattr(original, "reuses_engines", False):
        return
    create_engine, inspect, create_all = api.create_engine, api.inspect, api.Base.metadata.create_all

    def reused_engine(url: object, **kwargs: object) -> object:
        key = (str(url), tuple(sorted(kwargs.items())))
        with _LOCK:
            if key not in _ENGINES:
                _ENGINES[key] = create_engine(url, **kwargs)
            return _ENGINES[key]

    def inspect_unless_checked(engine: object) -> object:
        return _TablesExist(engine) if id(engine) in _CHECKED else inspect(engine)

    def create_all_unless_checked(bind: object = None, *args: object, **kwargs: object) -> None:
        if id(bind) not in _CHECKED:
            create_all(bind, *args, **kwargs)

    def __init__(self, db_url: str, *args: object, **kwargs: object) -> None:
        original(self, db_url, *args, **kwargs)
        _CHECKED.add(id(self.engine))   # its tables exist: nbgrader made them if they did not

    api.create_engine = reused_engine
    api.inspect = inspect_unless_checked
    api.Base.metadata.create_all = create_all_unless_checked
    __init__.reuses_engines = True  # type: ignore[attr-defined]
    __init__.original = original  # type: ignore[attr-defined]
    api.Gradebook.__init__ = __init__
    os.register_at_fork(after_in_child=_forget)
