"""Grading through Celery workers and a Redis broker against local grading, on real jobs.

One class of ``--students`` students handing in ``--assignment`` (default ``01_translation``,
the quickest notebook): student 0 the reference solutions, student k the reference with one
function replaced by a file of ``tests/submissions/`` (as ``bench_grading.py`` builds them), so
scores differ. The same files are graded, each time in a fresh copy of the course (a new
gradebook, and a tag file that gives the jobs new ids, so nothing is found done):

* **local -j 1** and **local -j 2**: ``python -m autograder grade -j J --quiet``;
* **1 worker** and **2 workers**: ``python -m autograder grade --broker URL --quiet`` with one or
  two ``python -m autograder worker --concurrency 1`` processes on this machine. The workers are
  started and warmed up (one job each) before the clock starts, as long-running workers are;
  local grading pays its own start-up (fork server, registration) in its time, and so does the
  coordinator (registration).

Reported: wall time and jobs per minute of each run; the queue's overhead per job, as the extra
wall time of 1 worker over local -j 1 per job, and as the coordinator's wall time minus the sum
of the workers' task run times (Celery's "succeeded in" lines) per job; then a **burst** of
``--burst`` jobs (``--burst`` students of the same assignment) sent at once to the two workers,
with the time from sending each job to its result being recorded (p50, p95, max), read from the
coordinator's own record (:class:`autograder.distributed.Run`). Scores of every run are compared
with local -j 1's; exit status 1 if any differs or a run fails.

Usage: ``.venv/bin/python bench/bench_workers.py [--students N] [--burst B] [--broker URL]``.
Without ``--broker`` (or ``AUTOGRADER_TEST_REDIS_URL``), ``.ci/redis`` starts a throwaway Redis.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from autograder import course, distributed  # noqa: E402
from bench_grading import fixtures_for  # noqa: E402
from conftest import copy_course, submission  # noqa: E402

RUNTIME = re.compile(r"\[([^\]]+)\] succeeded in ([0-9.]+)s")


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def build(target: Path, assignment: str, students: int, tag: str) -> Path:
    """A course with only ``assignment`` and ``students`` submissions of it."""
    root = copy_course(target)
    for folder in (course.SOURCE, course.RELEASE):
        for other in (root / folder).iterdir():
            if other.is_dir() and other.name != assignment:
                shutil.rmtree(other)
    for k in range(students):
        folder = root / course.SUBMITTED / f"student{k:03d}" / assignment
        folder.mkdir(parents=True)
        for path in course.source_notebooks(root, assignment):
            replace: dict[str, str] = {}
            if k > 0:
                fixtures = fixtures_for(path)
                fixture = fixtures[(k - 1) % len(fixtures)]
                replace[fixture.parent.name] = fixture.read_text(encoding="utf-8")
            (folder / f"{path.stem}.ipynb").write_text(submission(assignment, path.stem, replace), encoding="utf-8")
        (folder / "tag.txt").write_text(tag, encoding="utf-8")
    return root


def scores(root: Path) -> dict[tuple[str, str], str]:
    with (root / course.REPORTS / "grades.csv").open(encoding="utf-8") as handle:
        return {(r["student_id"], r["cell"]): r["score"] for r in csv.DictReader(handle)}


def timed(args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    code = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, code


class Workers:
    def __init__(self, course_root: Path, url: str, n: int, logs: Path):
        self.logs = [logs / f"worker{i}.log" for i in range(n)]
        self.processes = []
        for log in self.logs:
            with log.open("w") as out:
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "autograder", "--course", str(course_root), "worker", "--broker", url,
                     "--concurrency", "1"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        while not all(" ready." in log.read_text() for log in self.logs):
            time.sleep(0.2)

    def runtimes(self) -> dict[str, float]:
        found = {}
        for log in self.logs:
            found.update({m[0]: float(m[1]) for m in RUNTIME.findall(log.read_text(errors="replace"))})
        return found

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=8, help="jobs per throughput run (default 8)")
    parser.add_argument("--burst", type=int, default=100, help="jobs sent at once to two workers (default 100)")
    parser.add_argument("--assignment", default="01_translation")
    parser.add_argument("--broker", default=os.environ.get("AUTOGRADER_TEST_REDIS_URL"))
    args = parser.parse_args(argv)
    url = args.broker or subprocess.run([str(ROOT / ".ci" / "redis")], capture_output=True, text=True,
                                        check=True).stdout.strip()
    env_note = f"{os.cpu_count()} cores, load {load()} at the start"
    failures = []
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
        scratch = Path(tmp)
        worker_course = build(scratch / "worker-course", args.assignment, 0, "")
        rows = []
        reference = None
        latencies: list[float] = []
        burst_wall, burst_runtimes = 0.0, {}
        n = args.students
        for label, parallel in (("local -j 1", 1), ("local -j 2", 2)):
            root = build(scratch / label.replace(" ", ""), args.assignment, n, label)
            wall, code = timed([sys.executable, "-m", "autograder", "--course", str(root), "grade", "-j",
                                str(parallel), "--quiet"])
            got = scores(root) if code == 0 else {}
            reference = reference if reference is not None else got
            rows.append((label, wall, code, None))
            failures += [label] if code or got != reference else []
            print(f"{label}: {wall:.1f} s (load {load()})", file=sys.stderr, flush=True)
        for count in (1, 2):
            label = f"{count} worker" + ("s" if count > 1 else "")
            workers = Workers(worker_course, url, count, scratch)
            try:
                warm = build(scratch / f"warm{count}", args.assignment, count, f"warm {count} {time.time()}")
                timed([sys.executable, "-m", "autograder", "--course", str(warm), "grade", "--broker", url, "--quiet"])
                before = set(workers.runtimes())
                root = build(scratch / f"workers{count}", args.assignment, n, f"{label} {time.time()}")
                wall, code = timed([sys.executable, "-m", "autograder", "--course", str(root), "grade", "--broker",
                                    url, "--quiet"])
                ran = {k: v for k, v in workers.runtimes().items() if k not in before}
                rows.append((label, wall, code, sum(ran.values())))
                failures += [label] if code or scores(root) != reference else []
                print(f"{label}: {wall:.1f} s (load {load()})", file=sys.stderr, flush=True)
                if count == 2:
                    burst_root = build(scratch / "burst", args.assignment, args.burst, f"burst {time.time()}")
                    start = time.perf_counter()
                    _, run = distributed.grade_remote(burst_root, url, progress=False)
                    burst_wall = time.perf_counter() - start
                    burst_runtimes = {k: v for k, v in workers.runtimes().items() if k not in before and k not in ran}
                    latencies = sorted(run.seconds.values())
                    failures += ["burst"] if run.missing or run.failed else []
            finally:
                workers.stop()

    local1 = rows[0][1]
    print(f"## Grading workers (`bench_workers.py`)\n\n{n} jobs per run ({args.assignment}, one student's notebook "
          f"each), {env_note}.\n")
    print("| run | wall time | jobs per minute | sum of task run times |\n|---|---:|---:|---:|")
    for label, wall, code, tasks in rows:
        status = "" if code == 0 else f" (exit {code})"
        print(f"| {label}{status} | {wall:.1f} s | {60 * n / wall:.1f} | {'' if tasks is None else f'{tasks:.1f} s'} |")
    one = rows[2]
    print(f"\nQueue overhead per job: {(one[1] - local1) / n:+.2f} s of wall time (1 worker against local -j 1); "
          f"coordinator wall minus task run times: {(one[1] - one[3]) / n:.2f} s per job (registration, "
          "reading and recording included).")
    if latencies:
        q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
        print(f"\nBurst of {len(latencies)} jobs sent at once to 2 workers: {burst_wall:.1f} s in all "
              f"({60 * len(latencies) / burst_wall:.1f} jobs/min); send -> recorded p50 {statistics.median(latencies):.1f} s, "
              f"p95 {q[18]:.1f} s, max {latencies[-1]:.1f} s; mean task run time "
              f"{statistics.mean(burst_runtimes.values()) if burst_runtimes else float('nan'):.1f} s. Load {load()} at the end.")
    if failures:
        print(f"\nFAILED or scores differ from local -j 1: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
