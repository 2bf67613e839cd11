"""Secrets (the gradebook's URL with its password, the broker's URL) reach every command from the
environment or the untracked ``nbgrader_config.local.py``, never from a tracked file or a command
line, and never reach a student's kernel."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder import course, demo, kernel, notebooks, sandbox
from conftest import ROOT
from test_postgres import ASSIGNMENT, fresh_database, one_assignment_class, server_url

LOCAL_FILE = "nbgrader_config.local.py"


def run(root: Path, *args: str, env: dict[str, str] | None = None,
        program: tuple[str, ...] = ("-m", "autograder")) -> subprocess.CompletedProcess[str]:
    """``python -m autograder ARGS`` (or another ``program``) in the course ``root``, with only the
    secrets given in ``env`` (none of the caller's)."""
    base = {k: v for k, v in course.nbgrader_env().items() if not k.startswith("AUTOGRADER_")}
    return subprocess.run([sys.executable, *program, *args], cwd=root,
                          env=dict(base, OPENBLAS_NUM_THREADS="1", **(env or {})),
                          capture_output=True, text=True, check=False, timeout=1800)


NBGRADER = ("-c", "import sys; from nbgrader.apps.nbgraderapp import main; sys.exit(main())")


def test_every_gradebook_command_reads_the_url_from_the_environment(scratch_course, tmp_path):
    """``$AUTOGRADER_DB_URL`` is the gradebook of the course's commands and of nbgrader's own
    (through the course's configuration); ``--db`` wins over it."""
    from_env, given = tmp_path / "env.db", tmp_path / "given.db"
    env = {course.DB_URL_ENV: f"sqlite:///{from_env}"}
    assert run(scratch_course, "export", env=env).returncode == 0
    assert from_env.is_file() and not (scratch_course / "gradebook.db").exists()
    done = run(scratch_course, "db", "student", "add", "s042", "--last-name=Lovelace", env=env, program=NBGRADER)
    assert done.returncode == 0, done.stderr
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{from_env}") as gradebook:
        assert [s.id for s in gradebook.students] == ["s042"]
    assert run(scratch_course, "export", "--db", f"sqlite:///{given}", env=env).returncode == 0
    assert given.is_file() and not (scratch_course / "gradebook.db").exists()


def test_nbgraders_own_apps_read_the_untracked_local_file(scratch_course, tmp_path):
    """formgrader, collect, release_feedback... read ``db_url`` only from the nbgrader
    configuration: the tracked one reads it from ``nbgrader_config.local.py``, which git ignores;
    ``$AUTOGRADER_DB_URL`` wins over the file."""
    local, from_env = tmp_path / "local.db", tmp_path / "env.db"
    (scratch_course / LOCAL_FILE).write_text(f"c.CourseDirectory.db_url = 'sqlite:///{local}'\n", encoding="utf-8")
    done = run(scratch_course, "db", "student", "add", "s001", program=NBGRADER)
    assert done.returncode == 0, done.stderr
    assert local.is_file() and not (scratch_course / "gradebook.db").exists()
    assert course.db_url(scratch_course) == f"sqlite:///{local}"
    assert run(scratch_course, "export").returncode == 0
    done = run(scratch_course, "db", "student", "list", env={course.DB_URL_ENV: f"sqlite:///{from_env}"},
               program=NBGRADER)
    assert done.returncode == 0 and "s001" not in done.stdout and from_env.is_file()
    ignored = subprocess.run(["git", "check-ignore", "-q", LOCAL_FILE], cwd=ROOT, check=False)
    assert ignored.returncode == 0, f"{LOCAL_FILE} is not ignored by git"


def test_grade_sends_to_the_broker_of_the_environment(scratch_course):
    """``grade`` with ``$AUTOGRADER_BROKER`` set is the coordinator (here refused: not a Redis
    URL, said without echoing it); ``--local`` grades here."""
    env = {course.BROKER_ENV: "http://grader:s3cret-broker@example.invalid/"}
    done = run(scratch_course, "grade", "--quiet", env=env)
    assert done.returncode == 2 and "the broker must be a Redis URL" in done.stderr, done.stderr
    assert "s3cret-broker" not in done.stderr + done.stdout and "Traceback" not in done.stderr
    done = run(scratch_course, "grade", "--quiet", "--local", env=env)
    assert done.returncode == 0, done.stderr
    assert (scratch_course / course.REPORTS / "grades.csv").is_file()


def test_the_kernel_environment_holds_no_secret(tmp_path, monkeypatch):
    monkeypatch.setenv(course.DB_URL_ENV, "postgresql+psycopg2://grader:pw@db/course")
    monkeypatch.setenv(course.BROKER_ENV, "redis://:pw@broker:6379/0")
    assert not [k for k in kernel.kernel_environment(tmp_path, tmp_path) if k.startswith("AUTOGRADER_")]
    assert sandbox.without_secrets({"PATH": "/bin", "AUTOGRADER_DB_URL": "x", "AUTOGRADER_BROKER": "y"}) == \
        {"PATH": "/bin"}


def test_the_docs_keep_passwords_out_of_tracked_files():
    docs = {path.name: path.read_text(encoding="utf-8") for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]}
    for name, text in docs.items():
        assert ":password@" not in text and "--broker redis://:" not in text, name
        assert "add to\n   `autograder/nbgrader_config.py`" not in text, name
    for name in ("README.md", "instructors.md"):
        assert LOCAL_FILE in docs[name] and course.DB_URL_ENV in docs[name], name
    assert "install -m 0600" in docs["instructors.md"] and course.BROKER_ENV in docs["instructors.md"]
    assert "install -m 0600" in docs["workers.md"] and "EnvironmentFile=" in docs["workers.md"]


class CommandLines:
    """Samples every process's command line (``/proc/*/cmdline``) while it runs, keeping those
    that contain ``marker`` (but the PostgreSQL server's titles of its connections)."""

    def __init__(self, marker: str) -> None:
        self.marker, self.found, self.samples = marker.encode(), set(), 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        line = (entry / "cmdline").read_bytes()
                    except OSError:
                        continue
                    # PostgreSQL's own server processes show the database's name (not its password)
                    if self.marker in line and not line.startswith(b"postgres: "):
                        self.found.add(line.replace(b"\0", b" ").decode(errors="replace"))
            self.samples += 1
            self._stop.wait(0.02)

    def __enter__(self) -> CommandLines:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.mark.xdist_group("postgres")
def add_spy(root: Path, notebook: str) -> None:
    """A student "spy" whose code prints its whole environment into the autograded notebook."""
    spy = root / course.SUBMITTED / "spy" / ASSIGNMENT
    spy.mkdir(parents=True)
    nb = demo.filled(ROOT, ASSIGNMENT, notebook, {}, after={"translate": (
        "import os\nprint('ENVIRONMENT', sorted(os.environ.items()))")})
    (spy / f"{notebook}.ipynb").write_text(notebooks.dumps(nb), encoding="utf-8")


def test_a_term_with_the_gradebook_password_only_in_the_environment_and_the_local_file(tmp_path):
    """The documented commands, run with a PostgreSQL gradebook whose URL is only in
    ``$AUTOGRADER_DB_URL`` (the course's commands) or ``nbgrader_config.local.py`` (nbgrader's own):
    the URL (marked by its database's unique name) is in no other file of the course, no command
    line sampled meanwhile, no output, no report, no feedback, and not in the environment of the
    student's kernel, whose code prints it into the autograded notebook."""
    with fresh_database(server_url()) as url:
        marker = url.rsplit("/", 1)[1]   # the unique database name stands for the whole URL
        assert marker.startswith("autograder_test_")
        root, notebook = one_assignment_class(tmp_path / "course")
        add_spy(root, notebook)
        roster = tmp_path / "roster.csv"
        roster.write_text("student_id,lms_id,name,email\nreference,S1,Ada Lovelace,ada@example.org\n"
                          "stub,S2,Alan Turing,\nspy,S3,Eve,\n", encoding="utf-8")
        env = {course.DB_URL_ENV: url}
        outputs = []
        with CommandLines(marker) as lines:
            for args in (("roster", str(roster)), ("grade", "-j", "2", "--quiet"), ("feedback",), ("export",),
                         ("export", "--lms", "canvas", "--roster", str(roster))):
                done = run(root, *args, env=env)
                assert done.returncode == 0, (args, done.stderr[-3000:])
                outputs.append(done.stdout + done.stderr)
            (root / LOCAL_FILE).write_text(f"c.CourseDirectory.db_url = {url!r}\n", encoding="utf-8")
            (root / LOCAL_FILE).chmod(0o600)
            done = run(root, "db", "student", "list", program=NBGRADER)
            assert done.returncode == 0 and all(s in done.stdout for s in ("reference", "stub", "spy")), done.stdout
            outputs.append(done.stdout + done.stderr)
            done = run(root, "export")
            assert done.returncode == 0, done.stderr
            outputs.append(done.stdout + done.stderr)
        assert lines.samples > 10 and not lines.found, lines.found
        assert not [text for text in outputs if marker in text]
        assert not (root / "gradebook.db").exists(), "a command fell back to sqlite"
        autograded = (root / "autograded" / "spy" / ASSIGNMENT / f"{notebook}.ipynb").read_text(encoding="utf-8")
        assert "COURSE_DATA_DIR" in autograded, "the student's code did not print its environment"
        assert "AUTOGRADER_" not in autograded
        leaked = [path for path in root.rglob("*") if path.is_file() and path.name != LOCAL_FILE
                  and marker.encode() in path.read_bytes()]
        assert not leaked, leaked
        assert (root / "feedback" / "spy" / ASSIGNMENT / f"{notebook}.html").is_file()


@contextlib.contextmanager
def redis_with_password(folder: Path) -> Iterator[str]:
    """A throwaway Redis server that requires a random password (given on its standard input,
    not its command line); the broker URL with the password."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    password = secrets.token_hex(16)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(["redis-server", "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, text=True)
    server.stdin.write(f"port {port}\nbind 127.0.0.1\nrequirepass {password}\nsave \"\"\nappendonly no\n"
                       f"dir {folder}\n")
    server.stdin.close()
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and server.poll() is None, "redis-server did not start"
            time.sleep(0.1)
        yield f"redis://:{password}@127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(30)


def test_workers_with_the_broker_password_only_in_the_environment(tmp_path):
    """A worker and the coordinator (``grade``) with the broker's password only in
    ``$AUTOGRADER_BROKER``: graded through the broker, and the password is on no command line
    sampled meanwhile, in no output or log, no file of the course, and not in the environment
    the student's code sees (it prints it into the autograded notebook)."""
    with redis_with_password(tmp_path) as url:
        password = url.split(":")[2].split("@")[0]
        root, notebook = one_assignment_class(tmp_path / "course")
        add_spy(root, notebook)
        env = dict({k: v for k, v in course.nbgrader_env().items() if not k.startswith("AUTOGRADER_")},
                   OPENBLAS_NUM_THREADS="1", **{course.BROKER_ENV: url})
        log = tmp_path / "worker.log"
        with CommandLines(password) as lines:
            with log.open("w") as out:
                worker = subprocess.Popen([sys.executable, "-m", "autograder", "--course", str(root), "worker",
                                           "--concurrency", "1"], cwd=root, env=env, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)
            try:
                deadline = time.monotonic() + 120
                while " ready." not in log.read_text(encoding="utf-8", errors="replace"):
                    assert worker.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                    time.sleep(0.2)
                done = run(root, "grade", "--quiet", env={course.BROKER_ENV: url})
            finally:
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGTERM)
                    try:
                        worker.wait(30)
                    except subprocess.TimeoutExpired:
                        os.killpg(worker.pid, signal.SIGKILL)
                        worker.wait()
        assert done.returncode == 0, done.stderr[-3000:]
        assert "3 jobs graded by workers" in done.stdout, done.stdout
        assert lines.samples > 10 and not lines.found, lines.found
        assert password not in done.stdout + done.stderr + log.read_text(encoding="utf-8", errors="replace")
        autograded = (root / "autograded" / "spy" / ASSIGNMENT / f"{notebook}.ipynb").read_text(encoding="utf-8")
        assert "COURSE_DATA_DIR" in autograded and "AUTOGRADER_" not in autograded
        leaked = [path for path in root.rglob("*") if path.is_file() and password.encode() in path.read_bytes()]
        assert not leaked, leaked
