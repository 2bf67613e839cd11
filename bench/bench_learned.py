"""Notebook 5 (Learned networks): how long Run All takes, against its budgets.

Executes ``solutions/05_learned/05_learned.ipynb`` top to bottom with nbclient in a fresh kernel
(as the tests do), with one BLAS thread, three times, and prints the median wall time, the median
CPU time of the kernel, and the median wall time of each section against that section's budget
(from the cells' execution timestamps); then times the training of each kind of network the
notebook trains (CPU time of one training, best of 3), so that a slow notebook can be traced to
its experiments.

Usage: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_learned.py``. Wall times depend on
what else the machine is doing; the load average is printed with them, and the kernel's CPU time
is the figure to compare with the budget on a busy machine.

``.venv/bin/python bench/bench_learned.py --lab`` measures the student's route instead: `make lab`
in a scratch copy of the course (``bench_widgets.py``'s), Debian's Chromium, "Run All Cells" in a
fresh kernel three times (every kernel is shut down before each run), from the command to the
last cell's reply, with the environment's own BLAS threads.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

LAB = "--lab" in sys.argv[1:]
if not LAB:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from coursekit import learned, nets  # noqa: E402

NOTEBOOK = ROOT / "solutions" / "05_learned" / "05_learned.ipynb"
#: Run All, wall time on a quiet machine, and the kernel's CPU time at any load
BUDGET_SECONDS = 60.0
#: each section's wall time (seconds), by the start of its heading
SECTION_BUDGETS = {"# 5 ·": 3.0, "## 1.": 2.0, "## 2.": 3.0, "## 3.": 25.0, "## 4.": 25.0, "## 5.": 1.0,
                   "## 6.": 1.0, "## Summary": 1.0}
RUNS = 3


def _stamp(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def run_once() -> tuple[float, float, dict[str, float], list[str]]:
    """One Run All in a fresh kernel: wall time, kernel CPU time, wall time per section, problems."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True, record_timing=True,
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_start, start = usage.ru_utime + usage.ru_stime, time.perf_counter()
    client.execute()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, cpu = time.perf_counter() - start, usage.ru_utime + usage.ru_stime - cpu_start
    sections: dict[str, float] = {}
    section, problems = "# 5 ·", []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            section = next((s for s in SECTION_BUDGETS if cell.source.startswith(s)), section)
            continue
        timing = cell.metadata.get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            sections[section] = sections.get(section, 0.0) + _stamp(timing["shell.execute_reply"]) - _stamp(
                timing["iopub.execute_input"])
        for output in cell.get("outputs", []):
            if output.output_type == "error" or (output.output_type == "stream" and output.name == "stderr"):
                problems.append(f"{cell.id}: {output.get('ename', 'stderr')}")
    return seconds, cpu, sections, problems


def training_seconds(make_net, images, labels, epochs: int) -> float:
    """Best-of-3 CPU time of one training run."""
    best = float("inf")
    for _ in range(3):
        net = make_net()
        start = time.process_time()
        nets.train(net, images, labels, epochs=epochs, batch=64, lr=0.01, seed=0)
        best = min(best, time.process_time() - start)
    return best


def lab_runs() -> int:
    """Run All in the student's lab (JupyterLab in Chromium), three fresh kernels; prints the times."""
    import json
    import signal
    import tempfile
    import urllib.request

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_widgets import CHROMIUM, CHROMIUM_ARGS, EXPOSE_APP, course_copy, start_lab

    relative = NOTEBOOK.relative_to(ROOT).as_posix()
    times, load_before = [], os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-learned-") as tmp:
        root = course_copy(Path(tmp) / "course")
        server, base, token = start_lab(root, Path(tmp) / "lab.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                for _ in range(RUNS):
                    for session in json.load(urllib.request.urlopen(f"{base}/api/sessions?token={token}")):
                        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}?token={token}",
                                                         method="DELETE")
                        urllib.request.urlopen(request)
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    context.add_init_script(EXPOSE_APP)
                    page = context.new_page()
                    page.goto(f"{base}/lab/tree/{relative}?reset&token={token}")
                    page.wait_for_function("""() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                        const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                        return k && k.status === 'idle' && w.content && w.content.widgets.length > 0; }""",
                                           timeout=180_000)
                    start = time.perf_counter()
                    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
                        const cells = w.content.widgets.filter(c => c.model.type === 'code');
                        return w.sessionContext.session.kernel.status === 'idle'
                            && cells.every(c => c.model.executionCount !== null); }""", timeout=900_000, polling=200)
                    times.append(time.perf_counter() - start)
                    context.close()
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
    print(f"Notebook 5, Run All in the student's lab (Chromium, fresh kernel each run), {os.cpu_count()} CPU(s), "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')} (load average before "
          f"{load_before:.1f}, after {os.getloadavg()[0]:.1f}): median {statistics.median(times):.1f} s, runs "
          f"{', '.join(f'{t:.1f}' for t in times)} s, budget {BUDGET_SECONDS:.0f} s")
    return 0 if statistics.median(times) < BUDGET_SECONDS else 1


def main() -> int:
    if LAB:
        return lab_runs()
    load_before = os.getloadavg()[0]
    runs = [run_once() for _ in range(RUNS)]
    load_after = os.getloadavg()[0]
    seconds = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print(f"Notebook 5 on {os.cpu_count()} CPU(s), one BLAS thread, {RUNS} runs in fresh kernels "
          f"(load average before {load_before:.1f}, after {load_after:.1f})\n")
    print("| measurement | median (s) | runs (s) | budget (s) |")
    print("|---|---:|---|---:|")
    print(f"| `05_learned.ipynb`, Run All, wall time | {seconds:.1f} | "
          f"{', '.join(f'{r[0]:.1f}' for r in runs)} | {BUDGET_SECONDS:.0f} |")
    print(f"| `05_learned.ipynb`, Run All, kernel CPU time | {cpu:.1f} | "
          f"{', '.join(f'{r[1]:.1f}' for r in runs)} | {BUDGET_SECONDS:.0f} |")
    for section, budget in SECTION_BUDGETS.items():
        values = [r[2].get(section, 0.0) for r in runs]
        print(f"| section `{section}`, wall time of its cells | {statistics.median(values):.1f} | "
              f"{', '.join(f'{v:.1f}' for v in values)} | {budget:.0f} |")

    print("\n| one training (CPU, best of 3) | seconds |")
    print("|---|---:|")
    red_green = learned.red_green(256, size=16, seed=1)
    for padding, blocks in [("valid", 2), ("zero", 1), ("zero", 2), ("zero", 3), ("zero", 4), ("circular", 4)]:
        t = training_seconds(lambda p=padding, b=blocks: nets.conv_net(
            channels_in=2, widths=(8,) * b, padding=p, pool="max", seed=0, dtype=np.float32), *red_green, epochs=6)
        print(f"| red-green, {padding} padding, {blocks} pooled blocks, 6 epochs | {t:.2f} |")
    for bias in (True, False):
        t = training_seconds(lambda b=bias: nets.conv_net(channels_in=2, widths=(8, 8), padding="full", bias=b, seed=0,
                                                          dtype=np.float32), *red_green, epochs=3)
        print(f"| red-green, full padding, 2 convolutions, {'with' if bias else 'without'} biases, 3 epochs | {t:.2f} |")
    shapes = learned.shapes(480, size=20, seed=1)
    for pool, head in [("max", "avg"), ("blur", "avg"), ("max", "flatten")]:
        t = training_seconds(lambda p=pool, h=head: nets.conv_net(widths=(8, 12), classes=4, padding="circular", pool=p,
                                                                  head=h, size=20, seed=0, dtype=np.float32),
                             *shapes, epochs=14)
        print(f"| shapes, {pool} pooling, {head} head, 14 epochs | {t:.2f} |")
    problems = sorted({p for r in runs for p in r[3]})
    for problem in problems:
        print(f"- {problem}")
    verdict = seconds < BUDGET_SECONDS and cpu < BUDGET_SECONDS
    print(f"\nRun All within {BUDGET_SECONDS:.0f} s: {'yes' if verdict else 'NO'}")
    return 1 if problems or not verdict else 0


if __name__ == "__main__":
    sys.exit(main())
