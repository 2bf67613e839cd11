"""``autograder.gradebooks``: a gradebook opened again in a process reuses its engine and
checks its tables with one query, from several threads too; a new database still gets its tables, an in-memory
one and a file made again too; only the last few URLs keep an engine; a forked child makes its
own engines. Run in a fresh interpreter: ``install`` changes nbgrader for the
whole process."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

SCRIPT = r'''
import os, tempfile, threading
from pathlib import Path
from sqlalchemy import event
from autograder import alembic_head, gradebooks
alembic_head.install()
gradebooks.install()
gradebooks.install()   # idempotent
from nbgrader.api import Gradebook

folder = Path(tempfile.mkdtemp())
first, second = f"sqlite:///{folder}/first.db", f"sqlite:///{folder}/second.db"

with Gradebook(first) as book:
    book.add_assignment("a")
    engine = book.engine
statements = []
event.listen(engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: statements.append(sql))
with Gradebook(first) as book:
    assert book.engine is engine, "a second opening made a new engine"
    assert [a.name for a in book.assignments] == ["a"]
checks = [s for s in statements if "sqlite_master" in s or "table_info" in s or "CREATE TABLE" in s]
assert len(checks) <= 2, f"the tables were checked one by one again: {checks}"   # nbgrader's list, create_all's

with Gradebook(second) as book:   # another database: its own engine, and its tables are made
    assert book.engine is not engine
    book.add_assignment("b")
with Gradebook(second) as book:
    assert [a.name for a in book.assignments] == ["b"]
    reused = book.engine
(folder / "second.db").unlink()   # a gradebook deleted and made again: checked (and made) again
with Gradebook(second) as book:
    assert book.engine is reused
    book.add_assignment("again")

errors = []
def work(thread):
    try:
        own = f"sqlite:///{folder}/thread{thread}.db?timeout=60"
        for i in range(8):
            for url in (first + "?timeout=60", own):
                with Gradebook(url) as book:
                    book.update_or_create_student(f"s{thread}-{i}")
    except Exception as error:
        errors.append(repr(error))
threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
for t in threads: t.start()
for t in threads: t.join()
assert not errors, errors
with Gradebook(first + "?timeout=60") as book:
    assert len(book.students) == 64, len(book.students)
for t in range(8):
    with Gradebook(f"sqlite:///{folder}/thread{t}.db?timeout=60") as book:
        assert len(book.students) == 8

for _ in range(2):   # in memory: a new database each time, with its tables
    with Gradebook("sqlite://") as book:
        book.add_assignment("m")
for i in range(gradebooks.KEPT + 3):   # throwaway gradebooks: only the last KEPT keep an engine
    with Gradebook(f"sqlite:///{folder}/throwaway{i}.db") as book:
        book.add_assignment("t")
assert len(gradebooks._ENGINES) == gradebooks.KEPT

pid = os.fork()
if pid == 0:
    ok = not gradebooks._ENGINES
    with Gradebook(first + "?timeout=60") as book:
        ok = ok and book.engine is not engine and [a.name for a in book.assignments] == ["a"]
    os._exit(0 if ok else 1)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, "the forked child used its parent's engines"
print("ok")
'''


def test_gradebooks_reuse_engines_check_tables_at_once_and_stay_correct():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]
