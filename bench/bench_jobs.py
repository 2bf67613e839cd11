"""One graded notebook's cost, job by job, against the floor; and one call of a student's function.

1. **Calls.** A sandboxed kernel defines ``identity``; ``--calls`` calls of it through
   ``StudentKernel.call`` (the path every test cell's calls take), with an int and with an
   8 x 8 float array: milliseconds of wall time and of CPU per call (the kernel's process tree
   plus this process).
2. **Jobs.** For every assignment, the reference submission (the released notebook with the
   reference solutions, as ``bench_floor.py`` builds it) graded by ``jobs.grade_job`` with a warm
   fork server and template gradebook: one run to warm up, then ``--repeat`` runs, median. CPU
   is the machine's busy time (``/proc/stat``: the job's process, its kernel and bubblewrap are
   not children of this script), so run it on an idle machine. Next to it, the floor of the same
   notebook (``bench_floor.floor_once``, median of ``--repeat``) and the ratio.

No fixed cost of a ``grade`` command is in these figures (its start, its fork server, the
registration of the assignments): ``bench_grading.py`` measures whole classes.

Usage: ``.venv/bin/python bench/bench_jobs.py [--repeat N] [--calls N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import course, demo, jobs, notebooks, sandbox  # noqa: E402
from autograder.kernel import StudentKernel  # noqa: E402
from bench_floor import _tree_cpu, floor_once  # noqa: E402


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def calls(count: int) -> dict[str, tuple[float, float]]:
    """Argument kind -> (wall ms, CPU ms) per call of the student's ``identity``."""
    import coursekit
    import coursekit.data

    data = coursekit.data.DATA_DIR.resolve()
    found = {}
    with tempfile.TemporaryDirectory(prefix="bench-calls-") as tmp:
        scratch = Path(tmp)
        os.chmod(scratch, 0o755)
        (scratch / "work").mkdir()
        with StudentKernel(scratch, scratch / "work", [Path(coursekit.__file__).resolve().parent, data], data,
                           sandbox.Limits()) as kernel:
            assert kernel.execute("def identity(x):\n    return x\n", 60).status == "ok"
            kernel.load_harness()
            pid = kernel.manager.provisioner.process.pid
            for kind, value in (("int", 3), ("8 x 8 float array", np.arange(64.0).reshape(8, 8))):
                kernel.call("identity", (value,), {}, 30, lambda *a: None)
                cpu, start = _tree_cpu(pid) + time.process_time(), time.perf_counter()
                for _ in range(count):
                    kernel.call("identity", (value,), {}, 30, lambda *a: None)
                wall = time.perf_counter() - start
                found[kind] = (wall / count * 1e3, (_tree_cpu(pid) + time.process_time() - cpu) / count * 1e3)
            kernel.end_calls()
    return found


def reference_job(assignment: str, notebook: str) -> jobs.Job:
    job = jobs.Job("reference", assignment)
    job.files[f"{notebook}.ipynb"] = notebooks.dumps(demo.filled(ROOT, assignment, notebook, {})).encode("utf-8")
    for item in (ROOT / course.RELEASE / assignment).iterdir():
        if item.is_file() and item.suffix != ".ipynb":
            job.files[item.name] = item.read_bytes()
    return job


def job_cost(job: jobs.Job) -> tuple[float, float]:
    """(wall s, CPU s of the machine) of grading ``job``."""
    busy, start = busy_seconds(), time.perf_counter()
    result = jobs.grade_job(ROOT, job)
    wall, cpu = time.perf_counter() - start, busy_seconds() - busy
    assert not result.reasons and result.scores, f"{job.assignment}: {result.reasons}"
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--calls", type=int, default=400)
    args = parser.parse_args(argv)
    print("## One job against the floor, and one call (`bench_jobs.py`)\n")
    print(f"load average before: {os.getloadavg()[0]:.2f}\n")
    print(f"Calls of the student's function through `StudentKernel.call` ({args.calls} each):\n")
    print("| argument | wall per call | CPU per call |")
    print("|---|---:|---:|")
    for kind, (wall, cpu) in calls(args.calls).items():
        print(f"| {kind} | {wall:.2f} ms | {cpu:.2f} ms |")
    print(f"\nJobs (reference submission, median of {args.repeat} after one warm-up; floor: `bench_floor.py`):\n")
    print("| assignment | job wall | job CPU | floor CPU | ratio |")
    print("|---|---:|---:|---:|---:|")
    ours, floors = [], []
    for assignment in course.assignments(ROOT):
        for path in course.source_notebooks(ROOT, assignment):
            job = reference_job(assignment, path.stem)
            job_cost(job)
            runs = [job_cost(job) for _ in range(args.repeat)]
            wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
            floor = statistics.median(floor_once(assignment, path.stem)["cpu s"] for _ in range(args.repeat))
            ours.append(cpu)
            floors.append(floor)
            print(f"| {assignment} | {wall:.2f} s | {cpu:.2f} s | {floor:.2f} s | {cpu / floor:.2f}x |", flush=True)
    mean, floor = statistics.mean(ours), statistics.mean(floors)
    print(f"\nmean: {mean:.2f} s of CPU per job against a floor of {floor:.2f} s, {mean / floor:.2f}x; "
          f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
