"""Grading on arrival: time from a student's ``nbgrader submit`` returning to their
``nbgrader fetch_feedback`` receiving the page, with ``python -m autograder watch`` running.

The class of ``tests/test_watch.py`` (a throwaway exchange, students with Unix user ids of their
own through bubblewrap, ``01_translation``, sandbox on): the service is started and left running
(``--settle 1``); then ``--hand-ins`` hand-ins, ``--gap`` seconds apart, by the students in turn
(each a demo student's notebook). For each: the clock starts when ``nbgrader submit`` returns;
the page is looked for in the exchange (the name ``fetch_feedback`` computes from the student's
own secret) every 0.2 s; once it is there, the student's ``nbgrader fetch_feedback`` runs and the
clock stops when it has written the page. The first (cold: the fork server and the gradebook
start) is reported apart from the others (p50, p95, max). The load average is printed beside
the times: on a shared machine they move with whatever else runs.

Usage: ``.venv/bin/python bench/bench_watch.py [--hand-ins N] [--gap SECONDS]`` (needs bubblewrap).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from nbgrader.utils import notebook_hash  # noqa: E402

from autograder import course  # noqa: E402
from test_exchange import ASSIGNMENT, COURSE_ID, STUDENTS  # noqa: E402
from test_watch import Class  # noqa: E402

PATIENCE = 600.0


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def page_name(taught: Class, student: str, inbound: Path) -> Path:
    """Where the page of the hand-in ``inbound`` appears in the exchange."""
    timestamp = inbound.name.split("+")[2]
    cache = taught.base / student / "cache" / COURSE_ID / f"{student}+{ASSIGNMENT}+{timestamp}"
    secret = (cache / "submission_secret.txt").read_text()
    return taught.exchange / COURSE_ID / "feedback" / f"{notebook_hash(secret=secret, notebook_id=ASSIGNMENT)}.html"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hand-ins", type=int, default=6)
    parser.add_argument("--gap", type=float, default=30.0, help="seconds between two hand-ins")
    args = parser.parse_args()
    students = list(STUDENTS)
    notebooks = [whose for _, whose in STUDENTS.values()]
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        taught = Class(Path(tmp))
        log = Path(tmp) / "watch.log"
        with log.open("w") as out:
            service = subprocess.Popen([sys.executable, "-m", "autograder", "watch", "--settle", "1"],
                                       cwd=taught.root, env=course.nbgrader_env(), stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        latencies: list[float] = []
        try:
            while "watching" not in log.read_text():
                time.sleep(0.1)
            for k in range(args.hand_ins):
                student = students[k % len(students)]
                started = time.monotonic()
                inbound = taught.hand_in(student, notebooks[k % len(notebooks)])
                submitted = time.monotonic()
                page = page_name(taught, student, inbound)
                while not page.exists():
                    if time.monotonic() - submitted > PATIENCE or service.poll() is not None:
                        print(log.read_text()[-3000:], file=sys.stderr)
                        return 1
                    time.sleep(0.2)
                timestamp = inbound.name.split("+")[2]
                taught.pages(student)   # the student's fetch_feedback
                fetched = (taught.base / student / "work" / ASSIGNMENT / "feedback" / timestamp / f"{ASSIGNMENT}.html")
                assert fetched.is_file(), fetched
                latencies.append(time.monotonic() - submitted)
                print(f"hand-in {k + 1} ({student}): {latencies[-1]:.1f} s  (load {load()})", flush=True)
                time.sleep(max(0.0, args.gap - (time.monotonic() - started)))
        finally:
            os.killpg(service.pid, signal.SIGTERM)
            service.wait()
            taught.close()
    warm = sorted(latencies[1:])
    print("\n| hand-ins | first (cold) | p50 | p95 | max | load average |\n|---|---|---|---|---|---|")
    if warm:
        p95 = warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]
        print(f"| {len(latencies)}, {args.gap:g} s apart | {latencies[0]:.1f} s | {statistics.median(warm):.1f} s | "
              f"{p95:.1f} s | {warm[-1]:.1f} s | {load()} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
