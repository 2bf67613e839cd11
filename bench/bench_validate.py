"""How long the lab's *Validate* button takes, per notebook.

Calls nbgrader's ``/assignments/validate`` handler as the lab does (configuration loaded from
the course root, which makes it the course's Validator, ``autograder/validation.py``) on every
released stub (``notebooks/``) and every solution (``solutions/``), in a scratch copy of the
course, and prints a markdown table of the wall time of each (median of ``--repeat`` runs) against
the goal of 10 s. ``--plain`` adds nbgrader's own Validator (every cell run) for comparison: slow,
about 90 s for notebook 5's stub alone.

Usage: ``.venv/bin/python bench/bench_validate.py [--repeat 3] [--plain]``. Wall times depend on
what else the machine is doing: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plain", action="store_true", help="also time nbgrader's own Validator (slow)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from nbgrader.server_extensions.validate_assignment import handlers
    from nbgrader.validator import Validator

    from autograder import course, demo

    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as scratch:
        root = demo.copy_course(ROOT, Path(scratch) / "course")
        os.chdir(root)
        handler = types.SimpleNamespace(root_dir=str(root), log=logging.getLogger("validate"),
                                        load_config=lambda: handlers.ValidateAssignmentHandler.load_config(None))
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
        print("| notebook | Validate (s, median) | plain nbgrader (s) | under 10 s |")
        print("|---|---|---|---|")
        worst = 0.0
        for assignment in course.assignments(root):
            for folder in (course.RELEASE, course.SOURCE):
                relative = f"{folder}/{assignment}/{assignment}.ipynb"
                times = []
                for _ in range(args.repeat):
                    started = time.monotonic()
                    answer = handlers.ValidateAssignmentHandler.validate_notebook(handler, relative)
                    times.append(time.monotonic() - started)
                    assert answer["success"], answer
                plain = "-"
                if args.plain:
                    validator = Validator()
                    validator.config.Execute.timeout = 600
                    started = time.monotonic()
                    validator.validate(str(root / relative))
                    plain = f"{time.monotonic() - started:.1f}"
                median = statistics.median(times)
                worst = max(worst, median)
                print(f"| {relative} | {median:.1f} | {plain} | {'yes' if median < GOAL_SECONDS else 'NO'} |")
        print(f"\nslowest: {worst:.1f} s (goal {GOAL_SECONDS:g} s); "
              f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return 0 if worst < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
