"""Grading on several machines: ``python -m autograder worker`` processes take jobs from a real
Redis broker and ``python -m autograder grade --broker URL`` records their results.

Every test runs the README's commands as separate processes. The class is small (three students
of the demo class, one assignment) so that the whole file stays near a minute or two; the workers
get a course folder of their own without ``submitted/`` (no shared file system).

The broker comes from ``AUTOGRADER_TEST_REDIS_URL`` (``.ci/redis`` starts one and prints it;
``.ci/run`` sets it). Without it the tests are skipped, except on CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder import course, demo, distributed, jobs
from conftest import ROOT, copy_course

URL_VARIABLE = "AUTOGRADER_TEST_REDIS_URL"
ASSIGNMENT = "01_translation"
STUDENTS = ("ada", "ben", "cy")
#: Seconds any one step may take on a busy 2-core machine before the test gives up.
PATIENCE = 600

pytestmark = pytest.mark.xdist_group("workers")


def broker_url() -> str:
    url = os.environ.get(URL_VARIABLE)
    if not url:
        why = f"{URL_VARIABLE} is not set (run .ci/redis and export the URL it prints)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; on CI the worker tests must run, not be skipped")
        pytest.skip(why)
    return url


def expected_totals() -> dict[str, float]:
    with (demo.DEMO / "expected_scores.csv").open(encoding="utf-8") as handle:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)
                if row["assignment"] == ASSIGNMENT and row["student_id"] in STUDENTS}


def totals(root: Path) -> dict[str, float]:
    found: dict[str, float] = {}
    with (root / course.REPORTS / "grades.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found[row["student_id"]] = found.get(row["student_id"], 0.0) + float(row["score"])
    return found


def one_assignment_course(root: Path) -> Path:
    """This course with only ASSIGNMENT (source and release), no submissions."""
    copy_course(root)
    for folder in (course.SOURCE, course.RELEASE):
        for other in (root / folder).iterdir():
            if other.is_dir() and other.name != ASSIGNMENT:
                shutil.rmtree(other)
    return root


def coordinator_course(root: Path, tag: str, students: tuple[str, ...] = STUDENTS) -> Path:
    """A course with the demo students' submissions of ASSIGNMENT. ``tag`` goes into an extra
    file of every submission, so that each test's jobs have ids of their own (a job id is the
    hash of the submitted files) and are really graded, not found done in Redis."""
    one_assignment_course(root)
    for student in students:
        folder = root / course.SUBMITTED / student / ASSIGNMENT
        shutil.copytree(demo.DEMO / "submitted" / student / ASSIGNMENT, folder)
        (folder / "notes.txt").write_text(f"{tag} {time.time()}\n", encoding="utf-8")
    return root


def grade_command(root: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "autograder", "grade", "--course", str(root), "--broker", url, "--quiet"]


class Worker:
    """``python -m autograder worker`` in a process group of its own, its output in a file."""

    def __init__(self, root: Path, url: str, log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "autograder", "--course", str(root), "worker", "--broker", url,
                 "--concurrency", "1"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, needle: str, timeout: float = PATIENCE) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            assert self.process.poll() is None, f"the worker stopped:\n{self.text()[-3000:]}"
            assert time.monotonic() < deadline, f"no {needle!r} from the worker in {timeout} s:\n{self.text()[-3000:]}"
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL to the whole worker (every process of its group), as when a machine dies."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def url() -> str:
    return broker_url()


@pytest.fixture(scope="module")
def worker_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course as a worker machine has it: installed, without submissions or gradebook."""
    return one_assignment_course(tmp_path_factory.mktemp("worker") / "course")


@pytest.fixture(scope="module")
def workers(url: str, worker_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Worker]]:
    """Two workers, each a separate process."""
    logs = tmp_path_factory.mktemp("worker-logs")
    started = [Worker(worker_course, url, logs / f"worker{i}.log") for i in (1, 2)]
    try:
        for worker in started:
            worker.wait_for(" ready.")
        yield started
    finally:
        for worker in started:
            worker.stop()


def test_broker_urls_are_checked_and_passwords_never_shown():
    assert distributed.redacted("redis://:s3cret@host:6379/0") == "redis://:***@host:6379/0"
    with pytest.raises(ValueError, match="Redis URL") as error:
        distributed.check_broker_url("amqp://guest:s3cret@host//")
    assert "s3cret" not in str(error.value)
    with pytest.raises(TypeError):
        distributed.check_broker_url(None)   # type: ignore[arg-type]


def test_messages_are_json_only_and_acknowledged_after_grading():
    app = distributed.make_app("rediss://:pw@broker.example:6380/0")
    conf = app.conf
    assert conf.accept_content == ["json"] and conf.result_accept_content == ["json"]
    assert conf.task_serializer == conf.result_serializer == "json"
    assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] >= 2 * jobs.SUBMISSION_TIMEOUT
    assert conf.broker_use_ssl and conf.redis_backend_use_ssl   # rediss: TLS, certificates verified


@pytest.mark.parametrize("bwrap", [None, "#!/bin/sh\necho 'setting up uid map: Permission denied' >&2\nexit 1\n"],
                         ids=["missing", "broken"])
def test_a_worker_without_its_sandbox_refuses_to_start(tmp_path, worker_course, bwrap):
    """No bubblewrap on PATH, or one that cannot create namespaces (as in a container without
    user namespaces): the worker says so and exits before taking a job."""
    if bwrap is not None:
        (tmp_path / "bwrap").write_text(bwrap, encoding="utf-8")
        (tmp_path / "bwrap").chmod(0o755)
    env = dict(os.environ, PATH=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(worker_course), "worker",
                           "--broker", "redis://127.0.0.1:1/0"], env=env, capture_output=True, text=True,
                          timeout=PATIENCE)
    assert done.returncode == 2, done.stderr
    assert "refusing to take jobs" in done.stderr and "bubblewrap" in done.stderr
    if bwrap is not None:
        assert "Permission denied" in done.stderr


def test_a_worker_whose_sandbox_disappears_gives_the_job_back(tmp_path, url, worker_course):
    """bubblewrap vanishes after the worker started: the job goes back to the queue, ungraded,
    and the worker takes no more. Runs before the other workers start, so it is alone."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "bwrap").symlink_to(shutil.which("bwrap"))
    env = dict(os.environ, PATH=f"{tools}{os.pathsep}{Path(sys.executable).parent}")   # bwrap: only ours
    worker = Worker(worker_course, url, tmp_path / "fragile.log", env=env)
    try:
        worker.wait_for(" ready.")
        (tools / "bwrap").unlink()
        root = coordinator_course(tmp_path / "course", "refused", students=("ada",))
        app = distributed.make_app(url)
        identifier = distributed.job_id(root, "ada", ASSIGNMENT)
        app.send_task(distributed.TASK, args=[jobs.make_job(root, "ada", ASSIGNMENT).to_json(), [],
                                              distributed.source_digest(root, ASSIGNMENT)],
                      task_id=identifier, queue=distributed.QUEUE)
        worker.wait_for("sandbox unavailable")
        client = app.backend.client
        deadline = time.monotonic() + 60
        while client.llen(distributed.QUEUE) != 1:   # back in the queue for another worker
            assert time.monotonic() < deadline, "the refused job did not go back to the queue"
            time.sleep(0.2)
        assert app.AsyncResult(identifier).state == "PENDING"   # not failed, not graded
        time.sleep(3)
        assert client.llen(distributed.QUEUE) == 1, "the worker without a sandbox took the job again"
        assert f"job {identifier}: grading" not in worker.text()
    finally:
        worker.stop()
        distributed.make_app(url).backend.client.delete(distributed.QUEUE)


def test_two_workers_grade_like_local_grading_and_a_rerun_grades_nothing(tmp_path, url, workers):
    root = coordinator_course(tmp_path / "course", "two-workers")
    done = subprocess.run(grade_command(root, url), capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert totals(root) == expected_totals()   # the demo's expected scores, which local grading gives
    assert "3 jobs graded by workers" in done.stdout
    for student in STUDENTS:
        assert (root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
        assert distributed.recorded_id(root, student, ASSIGNMENT) == distributed.job_id(root, student, ASSIGNMENT)
    summary = (root / course.REPORTS / "summary.txt").read_text(encoding="utf-8")

    again = subprocess.run(grade_command(root, url), capture_output=True, text=True, timeout=PATIENCE)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 jobs graded by workers, 3 unchanged since the last run" in again.stdout
    assert totals(root) == expected_totals()
    assert (root / course.REPORTS / "summary.txt").read_text(encoding="utf-8") == summary


def test_a_job_delivered_twice_is_recorded_once(tmp_path, url, workers):
    root = coordinator_course(tmp_path / "course", "twice", students=("cy",))
    app = distributed.make_app(url)
    identifier = distributed.job_id(root, "cy", ASSIGNMENT)
    # a copy of the job's message already waits in the queue: the workers get it twice
    app.send_task(distributed.TASK, args=[jobs.make_job(root, "cy", ASSIGNMENT).to_json(), [],
                                          distributed.source_digest(root, ASSIGNMENT)],
                  task_id=identifier, queue=distributed.QUEUE)
    done = subprocess.run(grade_command(root, url), capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 jobs graded by workers" in done.stdout
    assert totals(root) == {"cy": expected_totals()["cy"]}
    with open(root / course.REPORTS / "grades.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(course.test_cells(root, ASSIGNMENT))   # one row per cell, no doubles
    # the second delivery ends too, without a second result (a worker's first job builds its gradebook
    # template first, which can take a minute or two on a busy machine)
    deadline = time.monotonic() + PATIENCE
    while sum(w.text().count(f"[{identifier}] succeeded") for w in workers) < 2:
        assert time.monotonic() < deadline, "the second delivery was not handled"
        time.sleep(0.5)


def test_a_worker_killed_mid_job_loses_nothing(tmp_path, url, workers):
    """SIGKILL to the whole worker (main process, fork server, grader) while it grades: the
    coordinator sees its heartbeats stop, sends the job again, the other worker grades it, and
    one result is written."""
    root = coordinator_course(tmp_path / "course", "killed", students=("ada",))
    identifier = distributed.job_id(root, "ada", ASSIGNMENT)
    marks = [len(w.text()) for w in workers]
    coordinator = subprocess.Popen(grade_command(root, url), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            taken = [w for w, mark in zip(workers, marks) if f"job {identifier}: grading" in w.text()[mark:]]
            if taken:
                break
            assert coordinator.poll() is None, coordinator.communicate()
            assert time.monotonic() < deadline, "no worker took the job"
            time.sleep(0.1)
        (victim,) = taken
        (survivor,) = [w for w in workers if w is not victim]
        time.sleep(1.0)   # well inside the job: its grader and kernel are running
        victim.kill()
        out, err = coordinator.communicate(timeout=PATIENCE)
    finally:
        if coordinator.poll() is None:
            coordinator.kill()
    assert coordinator.returncode == 0, out + err
    assert f"[{identifier}] succeeded" in survivor.text()
    assert "1 jobs graded by workers" in out and "1 sent again" in out
    assert totals(root) == {"ada": expected_totals()["ada"]}
    assert distributed.recorded_id(root, "ada", ASSIGNMENT) == identifier


class PrivateRedis:
    """A Redis server of this test's own (``.ci/redis`` with a folder and port of its own),
    which it can stop and start again on the same port, as when the broker machine restarts.
    It keeps nothing on disk: a restart loses every queued job and stored result."""

    def __init__(self, folder: Path) -> None:
        self.env = dict(os.environ, AUTOGRADER_REDIS_DIR=str(folder), AUTOGRADER_REDIS_PORT="6420")
        self.url = self.start()

    def start(self) -> str:
        done = subprocess.run([str(ROOT / ".ci" / "redis")], env=self.env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def restart(self) -> None:
        port = int(self.url.rsplit(":", 1)[1].split("/")[0])
        self.stop()
        deadline = time.monotonic() + 30
        while True:   # the old server lets go of its port before the new one takes it
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    break
            assert time.monotonic() < deadline, f"the stopped Redis server still listens on {port}"
            time.sleep(0.1)
        self.env["AUTOGRADER_REDIS_PORT"] = str(port)
        assert self.start() == self.url

    def stop(self) -> None:
        subprocess.run([str(ROOT / ".ci" / "redis"), "stop"], env=self.env, capture_output=True, timeout=60)


def test_a_broker_restarted_mid_run_loses_nothing_and_a_rerun_finishes(tmp_path, url, worker_course):
    """The broker restarts (all its queues and results gone) after the first result: the
    coordinator sends the unfinished jobs again, or says what is missing; the same command run
    again finishes the class without grading again what was recorded."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis(tmp_path / "redis")
    worker = Worker(worker_course, redis.url, tmp_path / "worker.log")
    try:
        worker.wait_for(" ready.")
        root = coordinator_course(tmp_path / "course", "restart")
        coordinator = subprocess.Popen(grade_command(root, redis.url), stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
        try:
            worker.wait_for("succeeded")   # one job done: the others are queued or being graded
            redis.restart()
            out, err = coordinator.communicate(timeout=PATIENCE)
        finally:
            if coordinator.poll() is None:
                coordinator.kill()
        if coordinator.returncode != 0:   # it gave up on some jobs: it must say which and what to do
            assert "run the same command again" in err, out + err
        else:
            assert "sent again" in out and "broker is back" in err, out + err
        first = {student for student in STUDENTS if distributed.recorded_id(root, student, ASSIGNMENT)}
        assert first, "no job was recorded before or after the restart:\n" + out + err

        again = subprocess.run(grade_command(root, redis.url), capture_output=True, text=True, timeout=PATIENCE)
        assert again.returncode == 0, again.stdout + again.stderr
        assert f"{len(first)} unchanged since the last run" in again.stdout   # nothing graded twice
        assert totals(root) == expected_totals()
    finally:
        worker.stop()
        redis.stop()
