"""The floor of grading one notebook: what any grader must spend, measured without the grader.

For every assignment, the reference submission (the released notebook with the reference
solutions filled in) is "graded" by the least work that can give its scores:

1. start a Python kernel in the same bubblewrap sandbox, with the same limits;
2. run the submission's own code cells, except the display-only ones (figures, widgets,
   experiments): the imports, the student's solution cells and scratch cells;
3. run the instructor's test cells (visible and hidden tests) in that kernel, one by one;
4. shut the kernel down.

No nbgrader, no gradebook, no cell planning, no judging outside the kernel: this is not the
fast path, only the work it cannot avoid. CPU time is that of the kernel's whole process tree
(launcher, bubblewrap, kernel; read with psutil just before shutdown) plus this script's own,
so other load on the machine does not inflate it (it still slows the wall time).

``bench/bench_grading.py`` reports our CPU per graded notebook; the ratio of the two is the
overhead of our pipeline over the floor (goal: at most 1.5x).

Usage: ``.venv/bin/python bench/bench_floor.py [--repeat N]`` (default 3; the median is kept).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import cellplan, course, demo, sandbox  # noqa: E402
from autograder.kernel import StudentKernel  # noqa: E402


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants, now."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        for process in [root, *root.children(recursive=True)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
            except psutil.NoSuchProcess:
                pass
    except psutil.NoSuchProcess:
        pass
    return total


def _is_test(cell: nbformat.NotebookNode) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade")) and cell.cell_type == "code"


def _is_display(cell: nbformat.NotebookNode) -> bool:
    return cellplan.DISPLAY_TAG in cell.get("metadata", {}).get("tags", [])


def floor_once(assignment: str, notebook: str) -> dict[str, float]:
    """One minimal grading of the reference submission: seconds and CPU seconds per step."""
    student = demo.filled(ROOT, assignment, notebook, {})
    source = nbformat.read(ROOT / course.SOURCE / assignment / f"{notebook}.ipynb", as_version=4)
    own = [c.source for c in student.cells if c.cell_type == "code" and not _is_test(c) and not _is_display(c)]
    tests = [c.source for c in source.cells if _is_test(c)]
    import coursekit
    import coursekit.data

    with tempfile.TemporaryDirectory(prefix="floor-") as tmp:
        scratch = Path(tmp)
        os.chmod(scratch, 0o755)
        workdir = scratch / "work"
        workdir.mkdir()
        for item in (ROOT / course.RELEASE / assignment).iterdir():
            if item.is_file() and item.suffix != ".ipynb":
                (workdir / item.name).write_bytes(item.read_bytes())
        kernel = StudentKernel(scratch, workdir, [Path(coursekit.__file__).resolve().parent,
                                                  coursekit.data.DATA_DIR.resolve()],
                               coursekit.data.DATA_DIR.resolve(), sandbox.Limits(), isolate=True)
        mine = time.process_time()
        steps: dict[str, float] = {}
        start = time.perf_counter()
        kernel.start()
        steps["start s"] = time.perf_counter() - start
        pid = kernel.manager.provisioner.process.pid
        mark = time.perf_counter()
        for code in own:
            done = kernel.execute(code, 300)
            assert done.status == "ok", f"{assignment}: a cell of the reference failed: {done.outputs}"
        steps["own cells s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        failed = 0
        for code in tests:
            done = kernel.execute(code, 300)
            failed += done.status != "ok" or any(o.get("output_type") == "error" for o in done.outputs)
        steps["test cells s"] = time.perf_counter() - mark
        assert failed == 0, f"{assignment}: {failed} test cells fail on the reference"
        steps["cpu s"] = _tree_cpu(pid) + time.process_time() - mine
        kernel.stop()
        steps["wall s"] = time.perf_counter() - start
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("## Floor of grading one notebook (`bench_floor.py`)\n")
    print(f"load average before: {os.getloadavg()[0]:.2f}; median of {args.repeat} runs; reference submission\n")
    columns = ["start s", "own cells s", "test cells s", "wall s", "cpu s"]
    print("| assignment | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    cpus = []
    for assignment in course.assignments(ROOT):
        for path in course.source_notebooks(ROOT, assignment):
            runs = [floor_once(assignment, path.stem) for _ in range(args.repeat)]
            median = {key: statistics.median(run[key] for run in runs) for key in columns}
            cpus.append(median["cpu s"])
            print(f"| {assignment} | " + " | ".join(f"{median[key]:.2f}" for key in columns) + " |")
    print(f"\nmean CPU per notebook: {statistics.mean(cpus):.2f} s; load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
