"""Grading on many machines: Celery workers that take jobs from a Redis broker.

``python -m autograder worker --broker URL`` starts a worker (:func:`run_worker`); ``python -m
autograder grade --broker URL`` is the coordinator (:func:`grade_remote`). A job is one student's
assignment (:class:`autograder.jobs.Job`: the notebooks' contents and timestamp), sent as JSON; the
worker grades it with :func:`autograder.jobs.grade_job` (same sandbox, limits and verdicts as local
grading) and returns the :class:`~autograder.jobs.Result` (the autograded notebooks, scores,
failures, reasons) through Redis. Only the coordinator touches the gradebook and the course's
folders (:func:`autograder.jobs.record`): workers need the course installed (``solutions/`` holds
the hidden tests) and bubblewrap, but no submissions, no shared file system and no gradebook
credentials.

Nothing is lost when a worker dies:

* Messages are acknowledged after the job is graded (``task_acks_late``), one at a time per
  worker thread (``worker_prefetch_multiplier = 1``), so a job a worker holds is never gone.
* Redis gives an unacknowledged message to another worker only after the transport's visibility
  timeout (:data:`VISIBILITY_TIMEOUT`, 3,600 s: twice the longest a job may run, so a live job is
  never delivered twice). Waiting that long for a dead worker's job is too slow, so the
  coordinator watches the workers' heartbeats (Celery events, every 2 s) and sends a job again
  as soon as the worker that took it has been silent for :data:`LOST_AFTER` seconds.
* A job's id is ``student/assignment/hash`` of the submitted files, the assignment's source
  notebooks, the configuration and the grading options. A job delivered twice is graded again only
  if its first grading has not finished (a worker that finds the id's result stored returns it)
  and is recorded once: the coordinator records the first result of each id and ignores the rest.
  Recorded ids are kept in ``reports/jobs/``, so running the same command again (after an
  interruption or a broker restart) grades only what changed or was not finished.
* A broker restarted during a run (a new Redis ``run_id``, or connection errors that end) makes
  the coordinator send every unfinished job again; if the broker stays away longer than
  ``broker_wait`` seconds, the run stops, writes the reports for what was graded, and lists what
  is missing.

Security: messages and results are JSON only (never pickle); the broker URL may carry a password
and TLS (``rediss://``, certificates verified). A worker refuses jobs when its sandbox is
unavailable: it does not start, and if bubblewrap disappears later it gives the job back to the
queue and stops taking new ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from celery import Celery
from celery.exceptions import Reject
from celery.utils.log import get_task_logger
from tqdm.auto import tqdm

from autograder import course, jobs, sandbox

#: The Celery task name and queue of grading jobs.
TASK = "autograder.grade_job"
QUEUE = "autograder"
#: Seconds before Redis gives an unacknowledged job to another worker: twice the longest a job may
#: run (:data:`autograder.jobs.SUBMISSION_TIMEOUT`), so that a job still being graded is never
#: delivered twice. A dead worker's jobs are sent again by the coordinator long before that.
VISIBILITY_TIMEOUT = int(2 * jobs.SUBMISSION_TIMEOUT)
#: Seconds between a worker's heartbeats (Celery's default) and of silence after which the
#: coordinator takes the worker for dead and sends its jobs again.
HEARTBEAT = 2.0
LOST_AFTER = 10.0
#: How long results stay in Redis (seconds): longer than the visibility timeout, so that a dead
#: worker's message that comes back finds its job's result and is not graded again; short, because
#: a result holds the autograded notebooks (50 to 100 KiB) and the coordinator reads it at once.
#: Reruns do not depend on it (the coordinator keeps the recorded ids in ``reports/jobs/``).
RESULT_EXPIRES = 2 * VISIBILITY_TIMEOUT
#: The only grading options a message may carry (anything else is refused by the worker).
ALLOWED_OPTIONS = ("--SandboxedExecute.timeout=",)
#: Where the coordinator keeps the id of the job each recorded result came from.
LEDGER = "jobs"

log = get_task_logger(__name__)


# --- the Celery application -------------------------------------------------------------------

def check_broker_url(url: str) -> str:
    """``url`` if it names a Redis server (``redis://``, ``rediss://`` or ``redis+socket://``),
    else :class:`ValueError`. Never echoes the password."""
    if not isinstance(url, str):
        raise TypeError(f"the broker URL must be a string, not {type(url).__name__}")
    scheme = urlsplit(url).scheme
    if scheme not in ("redis", "rediss", "redis+socket"):
        raise ValueError(f"the broker must be a Redis URL (redis://[:password@]host:port/db or rediss:// for TLS), "
                         f"not {scheme + '://' if scheme else repr(redacted(url))}")
    return url


def redacted(url: str) -> str:
    """``url`` with its password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def make_app(broker: str) -> Celery:
    """The Celery application of workers and coordinator: Redis as broker and result store,
    JSON only, late acknowledgement, one job at a time per worker thread."""
    check_broker_url(broker)
    app = Celery("autograder", broker=broker, backend=broker, set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", event_serializer="json",
        accept_content=["json"], result_accept_content=["json"],
        task_default_queue=QUEUE,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        worker_deduplicate_successful_tasks=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        result_backend_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        result_expires=RESULT_EXPIRES, result_extended=False,
        worker_send_task_events=True, task_send_sent_event=False,
        broker_connection_retry_on_startup=True, broker_connection_max_retries=None,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    if urlsplit(broker).scheme == "rediss":
        # verify the server's certificate against the system's CAs unless the URL says otherwise
        tls = {"ssl_cert_reqs": ssl.CERT_REQUIRED}
        app.conf.broker_use_ssl = tls
        app.conf.redis_backend_use_ssl = tls
    app.task(name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True)(_grade_task)
    return app


# --- the worker -------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkerSettings:
    """What a worker needs to grade: the installed course and whether to sandbox."""

    root: Path
    isolate: bool = True


def check_sandbox(isolate: bool) -> None:
    """:class:`autograder.sandbox.SandboxUnavailable` unless bubblewrap can start a sandbox here."""
    if not isolate:
        return
    # the namespaces a kernel's sandbox uses, around a program that does nothing
    args = [sandbox.bwrap_path(), "--die-with-parent", "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", shutil.which("true") or "/bin/true"]
    if os.geteuid() != 0:
        args[1:1] = ["--unshare-user"]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise sandbox.SandboxUnavailable(f"bubblewrap cannot start here: {error}") from error
    if done.returncode != 0:
        raise sandbox.SandboxUnavailable(f"bubblewrap cannot create a sandbox here: {done.stderr.strip()[-300:]}")


def _check_options(options: object) -> tuple[str, ...]:
    if not isinstance(options, list) or not all(isinstance(o, str) and o.startswith(ALLOWED_OPTIONS)
                                                for o in options):
        raise ValueError(f"a job may carry only the options {ALLOWED_OPTIONS}, not {options!r}")
    return tuple(options)


def _grade_task(self, job_text: str, options: list[str], source: str) -> dict[str, str]:
    """The worker's task: grade one job, return ``{"id": job id, "result": Result JSON}``.
    ``source`` is :func:`source_digest` of the assignment on the coordinator: a worker whose
    course differs (other hidden tests, other configuration) fails the job rather than grade it
    with other tests."""
    settings: WorkerSettings = self.app.conf.autograder_worker
    try:
        check_sandbox(settings.isolate)
    except sandbox.SandboxUnavailable as error:
        log.error("sandbox unavailable, job %s given back and no more jobs taken: %s", self.request.id, error)
        self.app.control.cancel_consumer(QUEUE, destination=[self.request.hostname])
        raise Reject(str(error), requeue=True) from error
    stored = self.AsyncResult(self.request.id)
    if stored.state == "SUCCESS":   # sent again while another worker finished it: nothing to do
        log.info("job %s: already graded, its stored result returned", self.request.id)
        return stored.result
    job = jobs.Job.from_json(job_text)
    mine = source_digest(settings.root, job.assignment)
    if mine != source:
        raise RuntimeError(f"this worker's course differs from the coordinator's for {job.assignment} "
                           f"(solutions/ or nbgrader_config.py: {mine[:12]} here, {source[:12]} there): "
                           "update the worker's copy of the course")
    log.info("job %s: grading", self.request.id)
    with sandbox.lease_slot() as slot:
        result = jobs.grade_job(settings.root, job, isolate=settings.isolate, options=_check_options(options),
                                slot=slot)
    return {"id": self.request.id, "result": result.to_json()}


def run_worker(root: Path, broker: str, *, concurrency: int | None = None, isolate: bool = True,
               hostname: str | None = None, loglevel: str = "INFO") -> int:
    """Run a grading worker until it is stopped; its exit status.

    ``concurrency`` jobs at a time (threads: each job's grading is a process of its own;
    default: the machine's cores). Raises :class:`SandboxUnavailable` before taking any job when
    bubblewrap cannot start a sandbox (unless ``isolate`` is false).
    """
    root = root.resolve()
    # students' code inherits this process's environment: never the broker's password, nor a
    # gradebook's, which a worker never needs
    os.environ.pop(course.BROKER_ENV, None)
    os.environ.pop(course.DB_URL_ENV, None)
    if not (root / course.SOURCE).is_dir():
        raise ValueError(f"{root} has no {course.SOURCE}/ folder: a worker needs the course installed")
    check_sandbox(isolate)
    app = make_app(broker)
    app.conf.autograder_worker = WorkerSettings(root, isolate)
    concurrency = max(1, concurrency or os.cpu_count() or 1)
    name = hostname or f"autograder-{os.getpid()}@{socket.gethostname()}"
    argv = ["worker", "--pool=threads", f"--concurrency={concurrency}", f"--queues={QUEUE}", f"--hostname={name}",
            "--task-events", "--without-mingle", "--without-gossip", f"--loglevel={loglevel}"]
    try:
        app.worker_main(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0
    return 0


# --- the coordinator --------------------------------------------------------------------------

def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _folder_parts(base: Path, folder: Path) -> list[bytes]:
    parts = []
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if ".ipynb_checkpoints" in path.parts or path.is_symlink() or not path.is_file():
                continue
            parts += [path.relative_to(base).as_posix().encode(), path.read_bytes()]
    return parts


#: Settings of the configuration that do not change a grade: where the gradebook and the exchange
#: are (they differ between machines), how feedback is written, and the late policy (a penalty is
#: recomputed from the gradebook on every run, :func:`autograder.late.apply`).
NOT_GRADING = {"CourseDirectory": ("db_url", "root"), "Exchange": None, "ExchangeFactory": None,
               "GenerateFeedback": None, "FeedbackExporter": None, "AssignLatePenalties": None,
               "PenaltyPerDay": None}


def grading_config(root: Path) -> dict:
    """The course's nbgrader configuration in effect (every file it loads), less
    :data:`NOT_GRADING`."""
    kept = {}
    for section, values in course.config(root).items():
        left_out = NOT_GRADING.get(section, ())
        if left_out is None:
            continue
        kept[section] = {key: value for key, value in values.items() if key not in left_out}
    return kept


def source_digest(root: Path, assignment: str) -> str:
    """Hash of what grading ``assignment`` depends on besides the submission: its source
    notebooks (the hidden tests) and the nbgrader configuration in effect (:func:`grading_config`:
    the course's files and every file they load, a time limit included)."""
    config = json.dumps(grading_config(root), sort_keys=True, default=repr).encode()
    return _digest(*_folder_parts(root, root / course.SOURCE / assignment), config)


def job_id(root: Path, student: str, assignment: str, options: Iterable[str] = ()) -> str:
    """``student/assignment/hash``: the hash covers the submitted files, the assignment's source
    notebooks (the hidden tests), the nbgrader configuration and the grading options, so that the
    same id means the same grade."""
    digest = _digest(*_folder_parts(root, root / course.SUBMITTED / student / assignment),
                     source_digest(root, assignment).encode(), "\0".join(options).encode())
    return f"{student}/{assignment}/{digest[:32]}"


def ledger_path(root: Path, student: str, assignment: str) -> Path:
    """Where the id of the job whose result was recorded for ``student``'s ``assignment`` is kept."""
    return root / course.REPORTS / LEDGER / student / assignment


def recorded_id(root: Path, student: str, assignment: str) -> str | None:
    path = ledger_path(root, student, assignment)
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def _remember(root: Path, student: str, assignment: str, identifier: str) -> None:
    path = ledger_path(root, student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(identifier + "\n", encoding="utf-8")
    partial.replace(path)


@dataclass
class _Pending:
    """A job sent and not yet recorded."""

    student: str
    assignment: str
    text: str
    sent: float                                     # time.monotonic() of the last sending
    owner: str | None = None                        # the worker that took it, from its events
    attempts: int = 1
    first_sent: float = 0.0                         # time.monotonic() of the first sending


@dataclass
class Watch:
    """The workers as the coordinator sees them through Celery events: when each was last heard
    of, and which worker took which job. Fed by :meth:`listen` in a thread of its own."""

    app: Celery
    heard: dict[str, float] = field(default_factory=dict)     # worker -> time.monotonic()
    owners: dict[str, str] = field(default_factory=dict)      # job id -> worker
    gone: set[str] = field(default_factory=set)               # workers that said they stop
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    ready: threading.Event = field(default_factory=threading.Event)
    receiver: object | None = None

    def _event(self, event: dict) -> None:
        host, kind, now = event.get("hostname"), event.get("type", ""), time.monotonic()
        if not host:
            return
        with self.lock:
            self.heard[host] = now
            if kind == "worker-offline":
                self.gone.add(host)
            elif kind == "worker-online":
                self.gone.discard(host)
            elif kind in ("task-received", "task-started") and event.get("uuid"):
                self.owners[event["uuid"]] = host
            elif kind in ("task-rejected", "task-revoked", "task-retried") and event.get("uuid"):
                self.owners.pop(event["uuid"], None)

    def listen(self) -> None:
        """Receive events until :meth:`close`, reconnecting after broker failures."""
        while not self.stop.is_set():
            try:
                with self.app.connection_for_read() as connection:
                    receiver = self.app.events.Receiver(connection, handlers={"*": self._event})
                    subscribed = receiver.on_consume_ready

                    def on_ready(*args: object, **kwargs: object) -> None:
                        subscribed(*args, **kwargs)   # also asks every worker for a heartbeat now
                        self.ready.set()

                    receiver.on_consume_ready = on_ready
                    self.receiver = receiver
                    for _ in receiver.consume(limit=None, timeout=None, wakeup=True):
                        pass
            except Exception as error:  # noqa: BLE001 - the broker went away: try again
                log.debug("event receiver: %s", error)
                self.stop.wait(1.0)

    def close(self) -> None:
        self.stop.set()
        if self.receiver is not None:
            self.receiver.should_stop = True

    def lost(self, identifier: str, after: float) -> str | None:
        """The worker that took job ``identifier`` if it is gone (silent for ``after`` seconds,
        or said it stopped), else None."""
        with self.lock:
            host = self.owners.get(identifier)
            if host is None:
                return None
            if host in self.gone or time.monotonic() - self.heard.get(host, 0.0) > after:
                del self.owners[identifier]
                return host
            return None

    def alive(self, after: float) -> int:
        with self.lock:
            now = time.monotonic()
            return sum(1 for host, t in self.heard.items() if host not in self.gone and now - t <= after)


@dataclass
class Run:
    """What :func:`grade_remote` did."""

    recorded: list[tuple[str, str]] = field(default_factory=list)     # graded and recorded now
    unchanged: list[tuple[str, str]] = field(default_factory=list)    # recorded by an earlier run
    failed: dict[tuple[str, str], str] = field(default_factory=dict)  # the worker raised
    missing: list[tuple[str, str]] = field(default_factory=list)      # not graded: run again
    resent: int = 0
    seconds: dict[tuple[str, str], float] = field(default_factory=dict)  # first sent -> recorded


def _server_id(app: Celery) -> str | None:
    """The Redis server's run id (changes when it restarts), None if it cannot be asked."""
    try:
        return str(app.backend.client.info("server").get("run_id"))
    except Exception:  # noqa: BLE001 - down, or not the Redis backend
        return None


def results(root: Path, app: Celery, work: Sequence[tuple[str, str]], run: Run, *, options: tuple[str, ...] = (),
            lost_after: float = LOST_AFTER, broker_wait: float = 300.0, poll: float = 0.5) -> Iterator[jobs.Result]:
    """Send one job per (student, assignment) of ``work`` that is not recorded yet and yield the
    results as they arrive (an :data:`autograder.grade.Grader`); ``run`` says what happened.
    The caller records each result before asking for the next: only then is its id kept."""
    pending: dict[str, _Pending] = {}
    for student, assignment in work:
        identifier = job_id(root, student, assignment, options)
        if recorded_id(root, student, assignment) == identifier:
            run.unchanged.append((student, assignment))
        elif identifier not in pending:
            pending[identifier] = _Pending(student, assignment, "", 0.0)
    if run.unchanged:
        tqdm.write(f"{len(run.unchanged)} jobs unchanged since they were recorded: not sent", file=sys.stderr)
    if not pending:
        return
    sources = {assignment: source_digest(root, assignment) for assignment in {a for _, a in work}}
    watch = Watch(app)
    listener = threading.Thread(target=watch.listen, name="autograder-events", daemon=True)
    listener.start()
    watch.ready.wait(60.0)   # subscribed before the first job goes out, so no event is missed

    def send(identifier: str) -> None:
        job = pending[identifier]
        if not job.text:
            job.text = jobs.make_job(root, job.student, job.assignment).to_json()
        app.send_task(TASK, args=[job.text, list(options), sources[job.assignment]], task_id=identifier,
                      queue=QUEUE)
        job.sent = time.monotonic()
        job.first_sent = job.first_sent or job.sent

    def resend(identifier: str) -> None:
        send(identifier)
        pending[identifier].attempts += 1
        run.resent += 1

    server = _server_id(app)
    trouble_since: float | None = None
    started = time.monotonic()
    warned_idle = False
    try:
        for identifier in list(pending):
            send(identifier)
        while pending:
            try:
                now_server = _server_id(app)
                if now_server is None:
                    raise ConnectionError("the broker does not answer")
                if trouble_since is not None or now_server != server:
                    # back after a failure or a restart: whatever was queued may be gone
                    tqdm.write(f"the broker is back: sending the {len(pending)} unfinished jobs again", file=sys.stderr)
                    for identifier in list(pending):
                        resend(identifier)
                    server, trouble_since = now_server, None
                for identifier, meta in _ready(app, list(pending)):
                    job = pending.pop(identifier)
                    key = (job.student, job.assignment)
                    run.seconds[key] = time.monotonic() - job.first_sent
                    result = _result_of(meta, identifier, job)
                    if result is None:
                        run.failed[key] = f"grading failed on a worker: {_failure(meta)}"
                        yield jobs.Result(job.student, job.assignment, reasons=[run.failed[key]])
                        continue
                    yield result
                    _remember(root, job.student, job.assignment, identifier)   # recorded by now
                    run.recorded.append(key)
                for identifier in list(pending):
                    host = watch.lost(identifier, lost_after)
                    if host is not None:
                        tqdm.write(f"worker {host} was lost while it held {identifier}: sent again", file=sys.stderr)
                        resend(identifier)
                if not warned_idle and watch.alive(lost_after) == 0 and time.monotonic() - started > 30:
                    tqdm.write("no grading worker is running: start one with "
                               "python -m autograder worker --broker URL", file=sys.stderr)
                    warned_idle = True
            except Exception as error:  # noqa: BLE001 - only connection errors are expected here
                if not isinstance(error, (ConnectionError, OSError)) and not _is_connection_error(error):
                    raise
                trouble_since = trouble_since or time.monotonic()
                if time.monotonic() - trouble_since > broker_wait:
                    tqdm.write(f"the broker has not answered for {broker_wait:.0f} s ({error}): stopping",
                               file=sys.stderr)
                    break
            time.sleep(poll)
    except KeyboardInterrupt:
        tqdm.write("interrupted", file=sys.stderr)
    finally:
        watch.close()
        run.missing = sorted((job.student, job.assignment) for job in pending.values())


def _is_connection_error(error: BaseException) -> bool:
    from kombu.exceptions import OperationalError
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency of the Redis transport
        return isinstance(error, OperationalError)
    return isinstance(error, (OperationalError, RedisConnectionError, RedisTimeoutError))


def _ready(app: Celery, identifiers: list[str]) -> list[tuple[str, dict]]:
    """(job id, stored task meta) of the jobs whose result is ready, read in one round trip."""
    if not identifiers:
        return []
    backend = app.backend
    keys = [backend.get_key_for_task(identifier) for identifier in identifiers]
    found = []
    for identifier, value in zip(identifiers, backend.mget(keys)):
        if value is None:
            continue
        meta = backend.decode_result(value)
        if meta.get("status") in ("SUCCESS", "FAILURE"):
            found.append((identifier, meta))
    return found


def _failure(meta: dict) -> str:
    if meta.get("status") == "SUCCESS":
        return "a malformed answer"
    return f"{meta.get('status')}: {str(meta.get('result'))[:300]}"


def _result_of(meta: dict, identifier: str, job: _Pending) -> jobs.Result | None:
    """The worker's answer as a :class:`~autograder.jobs.Result`, checked against its job; None
    when the job failed on the worker or the answer is malformed."""
    value = meta.get("result")
    if meta.get("status") != "SUCCESS" or not isinstance(value, dict) or value.get("id") != identifier \
            or not isinstance(value.get("result"), str):
        return None
    try:
        result = jobs.Result.from_json(value["result"])
    except (TypeError, ValueError):
        return None
    if (result.student, result.assignment) != (job.student, job.assignment):
        return None
    return result


def grade_remote(root: Path, broker: str, *, db_url: str | None = None, assignments: Sequence[str] | None = None,
                 student_ids: Sequence[str] | None = None, options: tuple[str, ...] = (), progress: bool = True,
                 lost_after: float = LOST_AFTER, broker_wait: float = 300.0,
                 pairs: Sequence[tuple[str, str]] | None = None, class_wide: bool = True) -> tuple[Path, Run]:
    """Grade the course's submissions on the workers listening at ``broker``: the same jobs,
    gradebook entries and reports as local grading (:func:`autograder.grade.grade`, which
    records each result as it arrives; ``pairs`` and ``class_wide`` as there). Returns the CSV's path and what happened (:class:`Run`:
    its ``missing`` jobs were not graded; run the same command again)."""
    from autograder import grade

    app = make_app(broker)
    run = Run()

    def grader(work: Sequence[tuple[str, str]]) -> Iterator[jobs.Result]:
        return results(root.resolve(), app, work, run, options=options, lost_after=lost_after,
                       broker_wait=broker_wait)

    path = grade.grade(root, db_url=db_url, options=options, progress=progress, assignments=assignments,
                       student_ids=student_ids, grader=grader, pairs=pairs, class_wide=class_wide)
    return path, run


def main_grade(root: Path, broker: str, *, db_url: str | None, options: tuple[str, ...], progress: bool,
               assignments: Sequence[str] | None = None, student_ids: Sequence[str] | None = None) -> int:
    """``python -m autograder grade --broker URL``: 0 when every job was recorded, 1 when some
    are missing or failed (listed on stderr)."""
    path, run = grade_remote(root, broker, db_url=db_url, options=options, progress=progress,
                             assignments=assignments, student_ids=student_ids)
    print((path.parent / "summary.txt").read_text(encoding="utf-8"))
    print(f"grades written to {path}")
    print(f"{len(run.recorded)} jobs graded by workers, {len(run.unchanged)} unchanged since the last run"
          + (f", {run.resent} sent again (lost worker or broker restart)" if run.resent else ""))
    for (student, assignment), why in sorted(run.failed.items()):
        print(f"failed: {student}/{assignment}: {why}", file=sys.stderr)
    if run.missing:
        print(f"{len(run.missing)} jobs were not graded: " + ", ".join(f"{s}/{a}" for s, a in run.missing)
              + "\nrun the same command again to grade them (what is done is not graded again)", file=sys.stderr)
    return 1 if run.missing or run.failed else 0
