"""Opening nbgrader gradebooks again and again in one process, at the cost of opening one.

A grading job opens the same gradebook nine times (the autograde converter and each of its
preprocessors open their own ``nbgrader.api.Gradebook``), and recording one result in the
course's gradebook four times. Each opening

* makes a new SQLAlchemy engine, whose cache of compiled SQL statements starts empty, so every
  query of that gradebook is compiled again, and
* runs SQLAlchemy's ``create_all``, which asks the database about each of nbgrader's tables
  (a query per table);

about 0.2 s of a job's CPU, 0.1 s of a recording's. :func:`install` makes an opening of a
database URL reuse the engine of the URL's last opening (``Gradebook.close`` disposes of the
engine's connections, not of the engine, which opens new ones when used again), and
``create_all`` ask once for the list of tables and make them only when one is missing (what it
concludes table by table). Everything else nbgrader does when it opens a gradebook is unchanged.
Safe from several threads (the ``grade`` command opens gradebooks from its workers); a process
forked from one that installed it makes its own engines. Only the last :data:`KEPT` URLs keep
their engine (a grading command opens each job's throwaway gradebook once), and an in-memory
SQLite database, which lives in its engine's connections, never shares one.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

#: How many database URLs keep their engine (the most recently opened ones).
KEPT = 8
_LOCK = threading.Lock()
_ENGINES: OrderedDict[tuple, object] = OrderedDict()   # (URL, options) -> the engine used for it


def _reusable(url: str) -> bool:
    """An in-memory SQLite database lives in its engine's connections: never reused."""
    return not (url.startswith("sqlite") and (url.split("?")[0] in ("sqlite://", "sqlite:///:memory:")
                                              or "mode=memory" in url))


def _forget() -> None:
    """In a forked child: the parent's engines (and their connections) are not the child's;
    their pooled connections are left to the parent (SQLAlchemy's way after a fork)."""
    global _LOCK
    _LOCK = threading.Lock()   # another thread of the parent may have held it
    for engine in _ENGINES.values():
        try:
            engine.dispose(close=False)   # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001,S110 - the child only drops them
            pass
    _ENGINES.clear()


def install() -> None:
    """Make ``nbgrader.api.Gradebook`` reuse a URL's engine and check its tables with one query
    (idempotent)."""
    import nbgrader.api as api

    if getattr(api.create_engine, "reuses_engines", False):
        return
    create_engine, inspect, create_all = api.create_engine, api.inspect, api.Base.metadata.create_all

    def reused_engine(url: object, **kwargs: object) -> object:
        if not _reusable(str(url)):
            return create_engine(url, **kwargs)
        key = (str(url), tuple(sorted(kwargs.items())))
        with _LOCK:
            if key in _ENGINES:
                _ENGINES.move_to_end(key)
                return _ENGINES[key]
            engine = _ENGINES[key] = create_engine(url, **kwargs)
            while len(_ENGINES) > KEPT:
                _, old = _ENGINES.popitem(last=False)
                old.dispose()   # type: ignore[attr-defined]
            return engine

    def create_all_when_missing(bind: object = None, *args: object, **kwargs: object) -> None:
        try:
            present = set(inspect(bind).get_table_names())
        except Exception:  # noqa: BLE001 - create_all says what is wrong
            present = set()
        if not set(api.Base.metadata.tables) <= present:
            create_all(bind, *args, **kwargs)

    reused_engine.reuses_engines = True  # type: ignore[attr-defined]
    api.create_engine = reused_engine
    api.Base.metadata.create_all = create_all_when_missing
    os.register_at_fork(after_in_child=_forget)
