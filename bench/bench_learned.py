"""Notebook 5 (Learned networks): how long it takes to run, against its budget of 45 s on one core.

Executes ``solutions/05_learned/05_learned.ipynb`` top to bottom with nbclient (as the tests do),
with one BLAS thread, and prints its wall time and its kernel's CPU time; then times the training
of each kind of network the notebook trains (CPU time of one training, best of 3), so that a slow
notebook can be traced to its experiments.

Usage: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_learned.py``. Wall times depend on
what else the machine is doing; the load average is printed with them, and the kernel's CPU time
is the figure to compare with the budget on a busy machine.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from bench_course import execute  # noqa: E402
from coursekit import learned, nets  # noqa: E402

NOTEBOOK = ROOT / "solutions" / "05_learned" / "05_learned.ipynb"
BUDGET_SECONDS = 45.0


def training_seconds(make_net, images, labels, epochs: int) -> float:
    """Best-of-3 CPU time of one training run."""
    best = float("inf")
    for _ in range(3):
        net = make_net()
        start = time.process_time()
        nets.train(net, images, labels, epochs=epochs, batch=64, lr=0.01, seed=0)
        best = min(best, time.process_time() - start)
    return best


def main() -> int:
    load_before = os.getloadavg()[0]
    seconds, cpu, problems = execute(NOTEBOOK)
    load_after = os.getloadavg()[0]
    verdict = "yes" if cpu < BUDGET_SECONDS else "NO"
    print(f"Notebook 5 on {os.cpu_count()} CPU(s), one BLAS thread (load average before {load_before:.1f}, "
          f"after {load_after:.1f})\n")
    print("| measurement | seconds |")
    print("|---|---:|")
    print(f"| `05_learned.ipynb`, wall time | {seconds:.1f} |")
    print(f"| `05_learned.ipynb`, kernel CPU time (budget {BUDGET_SECONDS:.0f} s: **{verdict}**) | {cpu:.1f} |")

    red_green = learned.red_green(256, size=16, seed=1)
    for padding in nets.PADDINGS:
        t = training_seconds(lambda p=padding: nets.conv_net(channels_in=2, widths=(8, 8), padding=p, seed=0,
                                                             dtype=np.float32), *red_green, epochs=8)
        print(f"| one red-green network, {padding} padding (CPU, best of 3; the notebook trains 3) | {t:.2f} |")
    shapes = learned.shapes(480, size=20, seed=1)
    for pool in ("max", "blur"):
        t = training_seconds(lambda p=pool: nets.conv_net(widths=(8, 12), classes=4, padding="circular", pool=p,
                                                          head="avg", seed=0, dtype=np.float32), *shapes, epochs=14)
        print(f"| one shapes network, {pool} pooling (CPU, best of 3) | {t:.2f} |")
    for problem in problems:
        print(f"- {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
