"""Grading on arrival: time from a student's ``nbgrader submit`` returning to their
``nbgrader fetch_feedback`` receiving the page, with ``python -m autograder watch`` running.

The class of ``tests/test_watch.py`` (a throwaway exchange, students with Unix user ids of their
own through bubblewrap, sandbox on): the service is started and left running (``--settle 1``),
grading on this machine, or with ``--broker URL`` on ``--workers`` workers (``python -m
autograder worker --concurrency 1`` each, started here on this machine).

* **Single hand-ins**: ``--hand-ins`` hand-ins of ``01_translation``, ``--gap`` seconds apart,
  by two students in turn (ada's and cy's notebooks). For each, the clock starts when ``nbgrader
  submit`` returns; the page is looked for in the exchange (the name ``fetch_feedback`` computes
  from the student's own secret) every 0.2 s; once it is there, the student's ``nbgrader
  fetch_feedback`` runs and the clock stops when it has written the page. The first (cold: the
  fork server, the gradebook and, with workers, their first job) is reported apart (p50, p95,
  max of the others).
* **A burst** (``--burst N``): N students, each of their own, hand in at once, the assignments
  (``01_translation`` and ``02_equivariance``) and the demo notebooks (full marks, mistakes,
  cheats, the release untouched, and one notebook cut short) in turn. Every student has
  fetched the assignment beforehand; the service is paused (SIGSTOP to its process group)
  while the N ``nbgrader submit`` run, and resumed (SIGCONT): from then on the N hand-ins are
  there at once, and the clock of each starts. As each page appears in the exchange its
  student fetches it (``--fetch``): from their open lab's Assignments panel (``lab``, the
  default: a process of the student's own, started before the burst, runs nbgrader's
  ``fetch_feedback`` handler code; :class:`Lab`), or with ``nbgrader fetch_feedback`` (``cli``,
  two at a time); the drain time is when the last student has their page. How busy the cores
  were is sampled from ``/proc/stat`` (:class:`Busy`). Then the same submissions are graded by ``python -m autograder grade`` in a course
  of their own, and the scores compared cell by cell.

CPU: every nbgrader process the service and the workers start appends its CPU time (its own and
its waited-for children's: the student's kernel in its sandbox) to a file
(``$AUTOGRADER_CPU_LOG``, :mod:`autograder.runner`); the CPU per graded notebook is the mean of
the ``autograde`` processes of the phase, the service's own process is measured from ``/proc``.
The goal of the burst: drained within 1.5 x (N x CPU per notebook / cores); it is printed also
with the service's whole CPU per hand-in in place of the grading's. The load average
(``uptime``) is printed before and after each phase: on a shared machine the times move with
whatever else runs.

Usage: ``.venv/bin/python bench/bench_watch.py [--hand-ins N] [--gap SECONDS] [--burst N]
[--broker URL --workers K] [--fetch lab|cli]`` (needs bubblewrap; Redis for ``--broker``, e.g.
``.ci/redis``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from nbgrader.utils import notebook_hash  # noqa: E402

from autograder import course, runner  # noqa: E402
from conftest import copy_course  # noqa: E402
from test_exchange import ASSIGNMENT, COURSE_ID, STUDENTS, as_user, ok  # noqa: E402
from test_watch import Class, cell_scores, running_service  # noqa: E402

PATIENCE = 1800.0
#: The burst's assignments and notebooks, taken in turn (dee's notebook of 01_translation is cut
#: short: it cannot be graded, and its student gets a page saying why).
BURST_ASSIGNMENTS = ("01_translation", "02_equivariance")
BURST_NOTEBOOKS = ("ada", "cy", "eve", "ben")
BROKEN = "dee"


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


#: What a student's open lab does when they click *Fetch Feedback* in the Assignments panel:
#: nbgrader's own handler code (``AssignmentList.fetch_feedback``), run in the lab server's
#: process, which imported nbgrader when the lab started.
LAB_FETCH = """
import json, os, sys
from nbgrader.server_extensions.assignment_list.handlers import AssignmentList
panel = AssignmentList()
panel.root_dir = os.getcwd()
print("ready", flush=True)
for line in sys.stdin:
    course_id, assignment = line.split()
    print(json.dumps(panel.fetch_feedback(course_id, assignment)), flush=True)
"""


class Lab:
    """A student's open JupyterLab, as far as its Assignments panel goes: a process of the
    student's own (their user id and home, as ``nbgrader fetch_feedback`` runs) that has
    imported nbgrader's Assignments-panel code, and runs its ``fetch_feedback`` when asked. The
    course and exchange come from an ``nbgrader_config.py`` in the student's folder."""

    def __init__(self, taught: Class, student: str) -> None:
        home = taught.base / student
        work = home / "work"
        work.mkdir(parents=True, exist_ok=True)
        (work / "nbgrader_config.py").write_text(
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(taught.exchange)!r}\n"
            f"c.Exchange.cache = {str(home / 'cache')!r}\n", encoding="utf-8")
        command = as_user([sys.executable, "-c", LAB_FETCH], uid=taught.students[student], home=home,
                          passwd=taught.passwd, cwd=work)
        self.process = subprocess.Popen(command, cwd=work, env=course.nbgrader_env(), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def ready(self) -> None:
        assert self.process.stdout.readline().strip() == "ready", "the student's lab did not start"

    def fetch_feedback(self, assignment: str) -> None:
        self.process.stdin.write(f"{COURSE_ID} {assignment}\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert answer["success"], answer

    def cpu(self) -> float:
        return process_cpu(self.process.pid, tree=True)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def page_name(taught: Class, student: str, inbound: Path) -> Path:
    """Where the page of the hand-in ``inbound`` appears in the exchange."""
    assignment, timestamp = inbound.name.split("+")[1:3]
    cache = taught.base / student / "cache" / COURSE_ID / f"{student}+{assignment}+{timestamp}"
    secret = (cache / "submission_secret.txt").read_text()
    return taught.exchange / COURSE_ID / "feedback" / f"{notebook_hash(secret=secret, notebook_id=assignment)}.html"


def fetched_path(taught: Class, student: str, inbound: Path) -> Path:
    assignment, timestamp = inbound.name.split("+")[1:3]
    return taught.base / student / "work" / assignment / "feedback" / timestamp / f"{assignment}.html"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_lines(path: Path) -> list[tuple[float, list[str]]]:
    if not path.is_file():
        return []
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        seconds, *args = line.split("\t")
        lines.append((float(seconds), args))
    return lines


def process_cpu(pid: int, tree: bool = False) -> float:
    """CPU seconds (user + system) of process ``pid`` itself, now (``tree``: with all its
    descendants, :func:`autograder.kernel.tree_cpu`)."""
    if tree:
        from autograder.kernel import tree_cpu

        return tree_cpu(pid)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Cpu:
    """CPU of the nbgrader processes (from the CPU log) between two marks, by subcommand."""

    def __init__(self, path: Path, service: subprocess.Popen) -> None:
        self.path, self.service = path, service
        self.mark()

    def mark(self) -> None:
        self.start = len(cpu_lines(self.path))
        self.own = process_cpu(self.service.pid)

    def since(self) -> dict[str, list[float]]:
        kinds: dict[str, list[float]] = {}
        for seconds, args in cpu_lines(self.path)[self.start:]:
            kinds.setdefault(args[0] if args else "?", []).append(seconds)
        kinds["watch process"] = [process_cpu(self.service.pid) - self.own]
        return kinds


class Busy:
    """How busy the machine's cores are (``/proc/stat``), sampled every ``every`` seconds in a
    thread: the mean over a phase, and per 10 s, shows where cores wait."""

    def __init__(self, every: float = 0.5) -> None:
        self.every, self.samples = every, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _ticks() -> tuple[int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields[:8]) - idle, sum(fields[:8])

    def _sample(self) -> None:
        started, (busy, total) = time.monotonic(), self._ticks()
        while not self._stop.wait(self.every):
            now_busy, now_total = self._ticks()
            if now_total > total:
                self.samples.append((time.monotonic() - started, (now_busy - busy) / (now_total - total)))
            busy, total = now_busy, now_total

    def __enter__(self) -> "Busy":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        if not self.samples:
            return "cores busy: not sampled"
        buckets: dict[int, list[float]] = {}
        for moment, share in self.samples:
            buckets.setdefault(int(moment // 10), []).append(share)
        return (f"cores busy {100 * statistics.mean(share for _, share in self.samples):.0f} % on average; per 10 s: "
                + " ".join(f"{100 * statistics.mean(shares):.0f}" for _, shares in sorted(buckets.items())))


def describe(kinds: dict[str, list[float]], hand_ins: int) -> str:
    graded = kinds.get("autograde", [])
    parts = [f"CPU per graded notebook {statistics.mean(graded):.2f} s (autograde, {len(graded)} processes; "
             f"min {min(graded):.2f}, max {max(graded):.2f})" if graded else "no autograde process logged"]
    for kind in ("generate_feedback", "release_feedback", "watch process"):
        if kinds.get(kind):
            parts.append(f"{kind} {sum(kinds[kind]) / max(hand_ins, 1):.2f} s per hand-in")
    return "; ".join(parts)


def singles(taught: Class, service: subprocess.Popen, log: Path, count: int, gap: float) -> list[float]:
    students = list(STUDENTS)
    notebooks = [whose for _, whose in STUDENTS.values()]
    latencies: list[float] = []
    for k in range(count):
        student = students[k % len(students)]
        started = time.monotonic()
        inbound = taught.hand_in(student, notebooks[k % len(notebooks)])
        submitted = time.monotonic()
        page = page_name(taught, student, inbound)
        while not page.exists():
            if time.monotonic() - submitted > PATIENCE or service.poll() is not None:
                raise SystemExit(log.read_text()[-3000:])
            time.sleep(0.2)
        taught.pages(student)   # the student's fetch_feedback
        assert fetched_path(taught, student, inbound).is_file()
        latencies.append(time.monotonic() - submitted)
        print(f"hand-in {k + 1} ({student}): {latencies[-1]:.1f} s  (load {load()})", flush=True)
        time.sleep(max(0.0, gap - (time.monotonic() - started)))
    return latencies


def burst(taught: Class, service: subprocess.Popen, log: Path, plan: list[tuple[str, str, str]],
          fetch_from: str = "lab") -> dict:
    """The hand-ins of ``plan`` ((student, assignment, whose notebook)) at once; the latency of
    each from the moment they are all there, and when each page was released. ``fetch_from``: the
    student fetches as soon as their page is there, from their open lab's Assignments panel
    (``lab``: every student's :class:`Lab` started beforehand; any number fetch at once) or
    with ``nbgrader fetch_feedback`` (``cli``: two at a time)."""
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda item: taught.as_student(item[0], "fetch_assignment", item[1]), plan))
    labs: dict[str, Lab] = {}
    if fetch_from == "lab":
        for student, _, _ in plan:
            labs[student] = Lab(taught, student)
        for lab in labs.values():
            lab.ready()
    labs_cpu = sum(lab.cpu() for lab in labs.values())
    os.killpg(service.pid, signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(4) as pool:
            entries = list(pool.map(lambda item: taught.hand_in(item[0], item[2], item[1]), plan))
    finally:
        os.killpg(service.pid, signal.SIGCONT)
    there = time.monotonic()
    pages = {student: page_name(taught, student, entry) for (student, _, _), entry in zip(plan, entries)}
    released: dict[str, float] = {}
    latencies: dict[str, float] = {}
    lock = threading.Lock()

    def fetch(student: str, assignment: str, entry: Path) -> None:
        if fetch_from == "lab":
            labs[student].fetch_feedback(assignment)
        else:
            taught.pages(student, assignment)
        assert fetched_path(taught, student, entry).is_file(), (student, entry)
        with lock:
            latencies[student] = time.monotonic() - there

    with Busy() as busy, ThreadPoolExecutor(16 if fetch_from == "lab" else 2) as fetchers:
        futures = []
        while len(released) < len(plan):
            for (student, assignment, _), entry in zip(plan, entries):
                if student not in released and pages[student].exists():
                    released[student] = time.monotonic() - there
                    futures.append(fetchers.submit(fetch, student, assignment, entry))
            if time.monotonic() - there > PATIENCE or service.poll() is not None:
                raise SystemExit(log.read_text()[-3000:])
            time.sleep(0.2)
        for future in futures:
            future.result()
    fetch_cpu = sum(lab.cpu() for lab in labs.values()) - labs_cpu
    for lab in labs.values():
        lab.close()
    return {"latencies": latencies, "released": released, "entries": entries,
            "fetch_cpu": fetch_cpu / len(plan) if labs else None, "busy": busy.summary()}


def compare_with_batch(taught: Class, base: Path) -> str:
    """Grade ``taught``'s submissions with ``python -m autograder grade`` in a course of their
    own; what differs, cell by cell (empty: nothing)."""
    batch = copy_course(base / "batch")
    shutil.copytree(taught.root / course.SUBMITTED, batch / course.SUBMITTED)
    ok(subprocess.run([sys.executable, "-m", "autograder", "grade", "--quiet"], cwd=batch, env=course.nbgrader_env(),
                      capture_output=True, text=True, timeout=7200, check=False))
    watched, batched = cell_scores(course.db_url(taught.root)), cell_scores(course.db_url(batch))
    differ = sorted(key for key in watched.keys() | batched.keys() if watched.get(key) != batched.get(key))
    return f"{len(differ)} of {len(watched)} cells differ: {differ[:5]}" if differ else \
        f"all {len(watched)} cells of {len({k[:2] for k in watched})} submissions equal"


def start_workers(base: Path, url: str, count: int, env: dict[str, str]) -> list:
    from test_workers import Worker

    where = copy_course(base / "worker-course")
    for folder in (course.SOURCE, course.RELEASE):
        for other in (where / folder).iterdir():
            if other.is_dir() and other.name not in BURST_ASSIGNMENTS:
                shutil.rmtree(other)
    workers = [Worker(where, url, base / f"worker{n}.log", env=env) for n in range(count)]
    for worker in workers:
        worker.wait_for(" ready.")
    return workers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hand-ins", type=int, default=6, help="single hand-ins (0: none)")
    parser.add_argument("--gap", type=float, default=30.0, help="seconds between two single hand-ins")
    parser.add_argument("--burst", type=int, default=0, help="hand-ins at once, by as many students (0: none)")
    parser.add_argument("--broker", default=None, help="grade on workers through this Redis broker")
    parser.add_argument("--workers", type=int, default=2, help="workers started here (with --broker)")
    parser.add_argument("--fetch", choices=("lab", "cli"), default="lab",
                        help="in the burst, students fetch from their open lab's Assignments panel (lab) or "
                             "with `nbgrader fetch_feedback` (cli)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    plan = []
    for n in range(args.burst):
        assignment = BURST_ASSIGNMENTS[n % len(BURST_ASSIGNMENTS)]
        whose = BROKEN if n == 4 else BURST_NOTEBOOKS[(n // len(BURST_ASSIGNMENTS)) % len(BURST_NOTEBOOKS)]
        plan.append((f"b{n:03d}", "01_translation" if whose == BROKEN else assignment, whose))
    students = {name: uid for name, (uid, _) in STUDENTS.items()}
    students.update({student: 3000 + n for n, (student, _, _) in enumerate(plan)})
    where = "on this machine" if not args.broker else f"on {args.workers} workers (--broker)"
    print(f"Grading on arrival, {where}, {cores} cores. {uptime()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        base = Path(tmp)
        env = dict(course.nbgrader_env(), **{runner.CPU_LOG: str(base / "cpu.log"), "OPENBLAS_NUM_THREADS": "1"})
        taught = Class(base / "class", students, assignments=BURST_ASSIGNMENTS)
        workers = start_workers(base, args.broker, args.workers, env) if args.broker else []
        log = base / "watch.log"
        results = []
        try:
            with running_service(taught, log, *(["--broker", args.broker] if args.broker else []), env=env) as service:
                cpu = Cpu(base / "cpu.log", service)
                if args.hand_ins:
                    before = uptime()
                    latencies = singles(taught, service, log, args.hand_ins, args.gap)
                    kinds = cpu.since()
                    warm = latencies[1:]
                    results.append(
                        f"| {len(latencies)} single, {args.gap:g} s apart, {where} | {latencies[0]:.1f} s | "
                        + (f"{statistics.median(warm):.1f} s | {percentile(warm, 0.95):.1f} s | {max(warm):.1f} s"
                           if warm else "| |") + f" | {before.split('load average: ')[1]} -> "
                        f"{uptime().split('load average: ')[1]} |")
                    results.append(f"  {describe(kinds, len(latencies))}")
                if plan:
                    before = uptime()
                    cpu.mark()
                    outcome = burst(taught, service, log, plan, args.fetch)
                    kinds = cpu.since()
                    after = uptime()
                    values = list(outcome["latencies"].values())
                    drain = max(values)
                    graded = kinds.get("autograde", [])
                    per_notebook = statistics.mean(graded) if graded else float("nan")
                    per_hand_in = sum(sum(kinds.get(kind, [])) for kind in kinds) / len(plan)
                    goals = [(f"1.5 x {len(plan)} x grading CPU / {cores}", 1.5 * len(plan) * per_notebook / cores),
                             (f"1.5 x {len(plan)} x the service's CPU per hand-in / {cores}",
                              1.5 * len(plan) * per_hand_in / cores)]
                    results.append(
                        f"| burst of {len(plan)}, {where}, fetched from the {args.fetch} | drain {drain:.1f} s "
                        f"(first page released {min(outcome['released'].values()):.1f} s, last "
                        f"{max(outcome['released'].values()):.1f} s) | "
                        f"p50 {statistics.median(values):.1f} s | p95 {percentile(values, 0.95):.1f} s | "
                        + "; ".join(f"goal {name}: {goal:.0f} s ({'met' if drain <= goal else 'NOT met'})"
                                    for name, goal in goals)
                        + f" | {before.split('load average: ')[1]} -> {after.split('load average: ')[1]} |")
                    results.append(f"  {describe(kinds, len(plan))}; the service in all {per_hand_in:.2f} s "
                                   "per hand-in" + (f"; each student's fetch (their lab) {outcome['fetch_cpu']:.2f} s"
                                                   if outcome["fetch_cpu"] is not None else ""))
                    results.append(f"  {outcome['busy']}")
            if plan:
                results.append(f"  batch grading of the same submissions: {compare_with_batch(taught, base)} "
                               f"({uptime()})")
        finally:
            for worker in workers:
                worker.stop()
            taught.close()
    print("\n| run | first (cold) / drain | p50 | p95 | max / goal | load average before -> after |\n"
          "|---|---|---|---|---|---|")
    print("\n".join(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
