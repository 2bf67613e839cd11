"""Proof that skipping display-only cells changes no score: every fixture submission
(``tests/submissions/<function>/*.py``, wrong and ok, plus the reference and the stub of every
assignment) and the demo class, graded with the fast path and with every cell executed
(``c.SandboxedExecute.skip_display_cells = False``), must get the same score on every test cell.

Slow (every fixture twice, about 170 notebooks each way): run by ``make bench``, not by the tests
(which grade a sample, tests/test_grading.py). ``--only 02_equivariance`` limits it to one
assignment; ``--no-demo`` leaves the demo class out. Prints the wall time of both runs.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"


def scores(root: Path) -> dict[tuple[str, str, str], str]:
    with (root / "reports" / "grades.csv").open(encoding="utf-8") as handle:
        return {(r["student_id"], r["assignment"], r["cell"]): r["score"] for r in csv.DictReader(handle)}


def grade(root: Path, every_cell: bool) -> tuple[dict[tuple[str, str, str], str], float]:
    if every_cell:
        config = root / "autograder" / "nbgrader_config.py"
        config.write_text(config.read_text() + "\nc.SandboxedExecute.skip_display_cells = False\n")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade", "--quiet"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"grading failed:\n{done.stderr[-3000:]}")
    return scores(root), time.perf_counter() - started


def fixture_class(into: Path, only: list[str]) -> Path:
    """A course whose students are the reference, the stub and one submission per fixture."""
    from autograder import course, demo, notebooks
    from autograder.verdicts import graded_functions
    import nbformat

    root = demo.copy_course(ROOT, into)
    for assignment in course.assignments(ROOT):
        if only and assignment not in only:
            for folder in (course.SOURCE, course.RELEASE):
                shutil.rmtree(root / folder / assignment)
    homes: dict[str, str] = {}
    for assignment in course.assignments(root):
        for path in course.source_notebooks(root, assignment):
            for name in graded_functions(nbformat.read(path, as_version=4)):
                homes.setdefault(name, assignment)
    for assignment in course.assignments(root):
        (notebook,) = [p.stem for p in course.source_notebooks(root, assignment)]
        students: dict[str, dict[str, str] | None] = {"reference": {}, "stub": None}
        for function, home in homes.items():
            if home == assignment:
                for path in sorted((SUBMISSIONS / function).glob("*.py")):
                    students[f"{function}__{path.stem}"] = {function: path.read_text(encoding="utf-8")}
        for student, replace in students.items():
            folder = root / course.SUBMITTED / student / assignment
            folder.mkdir(parents=True)
            (folder / f"{notebook}.ipynb").write_text(notebooks.dumps(demo.filled(ROOT, assignment, notebook, replace)))
    return root


def compare(name: str, build) -> bool:
    with tempfile.TemporaryDirectory(prefix="bench-equivalence-") as tmp:
        fast, fast_seconds = grade(build(Path(tmp) / "fast"), every_cell=False)
        full, full_seconds = grade(build(Path(tmp) / "full"), every_cell=True)
    students = {s for s, _, _ in fast}
    differ = sorted(key for key in fast.keys() | full.keys() if fast.get(key) != full.get(key))
    print(f"{name}: {len(students)} students, {len(fast)} test cells; fast path {fast_seconds:.0f} s, "
          f"every cell {full_seconds:.0f} s (wall, 2 workers); cells that differ: {len(differ)}")
    for key in differ[:20]:
        print(f"  {key}: fast {fast.get(key)} vs every cell {full.get(key)}")
    return not differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="grade only this assignment (repeatable)")
    parser.add_argument("--no-demo", action="store_true", help="leave the demo class out")
    args = parser.parse_args()
    from autograder import demo

    same = compare("fixture submissions", lambda into: fixture_class(into, args.only))
    if not args.no_demo:
        same &= compare("demo class", lambda into: demo.prepare_course(ROOT, into))
    print("identical scores" if same else "SCORES DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
