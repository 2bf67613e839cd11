"""Grading throughput: ``python -m autograder grade`` against plain ``nbgrader autograde``.

Builds one class of ``--students`` students (default 32), each handing in every
assignment, and grades the same ``submitted/`` files twice, side by side in one run:

* **plain nbgrader**: a course folder whose ``nbgrader_config.py`` sets only the course id and
  the folder names, so nbgrader's default pipeline runs (in-kernel ``Execute``, 30 s cell
  timeout, no ``IgnorePattern``). The assignments are registered with
  ``nbgrader generate_assignment`` (timed separately), then ``nbgrader autograde ASSIGNMENT``
  runs once per assignment, one process grading every student. Environment: the caller's,
  with the venv's ``bin`` first on PATH (nbgrader runs ``alembic``), nothing else.
* **ours**: ``python -m autograder --course DIR grade -j J --quiet`` in a copy of this course
  (its own configuration: sandbox on, tests judged in the grader). Its time includes its own
  registration of the assignments in the gradebook.

Submissions: student 0 hands in the reference solutions; student k >= 1 hands in the
reference solutions except for one function per notebook, replaced by a file of
``tests/submissions/<function>/`` (the (k-1)-th of that notebook's fixtures, alternating wrong
and ok implementations and cycling through the functions), so scores differ between students.

Reported (markdown, on stdout): wall time, notebooks per minute, the ratio ours / plain, CPU
per notebook and peak memory of each run; then every autograded test cell's score is read back from both
gradebooks and compared. Exit status 1 if a score differs for a reason other than the one
known, documented difference (plain nbgrader scores a test cell 0 when it writes to stderr;
ours drops stderr before scoring), or if a run fails.

Our command has fixed costs (its start-up and the fork server's, registering the assignments,
writing the reports) that a class of a few students does not amortise. So it runs once more on
a class of student000 alone: the difference between the two runs' CPU, per notebook more, is
our CPU per graded notebook, and what remains of the small run is the fixed cost.

Peak memory, two figures per run:

* *tree RSS*: the resident memory of the whole process tree (the grader processes, their
  kernels, bubblewrap), summed over processes and sampled every 0.25 s with psutil. Shared
  pages (NumPy, OpenCV libraries) count once per process, so this is an upper bound.
* *max RSS of one process*: ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a small wrapper that
  runs the commands: the largest peak RSS of any single descendant that was waited for
  (not a sum). It is exact but says nothing about how many such processes ran at once.

Usage: ``.venv/bin/python bench/bench_grading.py [--students N] [--jobs J] [--keep DIR]``.
Plain nbgrader needs about 50 s of notebook execution per student on an idle core, so the
default class takes 30 to 45 minutes in all.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from autograder import course, jobs as autograder_jobs  # noqa: E402
from conftest import copy_course, read, solution_cells, submission  # noqa: E402

FIXTURES = ROOT / "tests" / "submissions"

#: The plain course's whole nbgrader configuration: the course id and the folder names.
PLAIN_CONFIG = """\
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "cnn-invariance"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
"""

#: Runs commands one after the other, then writes their wall times, exit codes, the largest
#: peak RSS of any descendant (RUSAGE_CHILDREN) and the CPU time the whole machine spent
#: meanwhile (busy time in /proc/stat: the sandboxed kernels are not children that anyone
#: waits for, so RUSAGE_CHILDREN would miss their CPU) as JSON to the file named by argv[2].
WRAPPER = """\
import json, os, resource, subprocess, sys, time
def busy():
    with open("/proc/stat") as handle:
        ticks = [int(v) for v in handle.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
runs = []
before = busy()
for cmd in json.loads(sys.argv[1]):
    start = time.perf_counter()
    code = subprocess.run(cmd["args"], cwd=cmd["cwd"], env=cmd["env"]).returncode
    runs.append({"seconds": time.perf_counter() - start, "returncode": code})
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[2], "w") as handle:
    json.dump({"runs": runs, "maxrss_kib": usage.ru_maxrss, "cpu": busy() - before}, handle)
"""


# --- the class ------------------------------------------------------------------------------

def fixtures_for(notebook_path: Path) -> list[Path]:
    """The fixture files of every function with a solution cell in this notebook: per function
    wrong and ok implementations alternating, then round-robin over the functions."""
    per_function = []
    for function in solution_cells(read(notebook_path)):
        files = sorted((FIXTURES / function).glob("*.py"))
        wrong = [f for f in files if f.stem.startswith("wrong_")]
        ok = [f for f in files if not f.stem.startswith("wrong_")]
        per_function.append([f for pair in itertools.zip_longest(wrong, ok) for f in pair if f is not None])
    return [f for row in itertools.zip_longest(*per_function) for f in row if f is not None]


def build_class(submitted: Path, students: int) -> dict[str, dict[str, str]]:
    """Write every student's notebooks into ``submitted/``; return student -> notebook -> what
    was replaced ("reference" or "function/fixture")."""
    plan: dict[str, dict[str, str]] = {}
    for k in range(students):
        student = f"student{k:03d}"
        plan[student] = {}
        for assignment in course.assignments(ROOT):
            for path in course.source_notebooks(ROOT, assignment):
                replace: dict[str, str] = {}
                what = "reference"
                if k > 0:
                    fixtures = fixtures_for(path)
                    fixture = fixtures[(k - 1) % len(fixtures)]
                    replace[fixture.parent.name] = fixture.read_text(encoding="utf-8")
                    what = f"{fixture.parent.name}/{fixture.stem}"
                folder = submitted / student / assignment
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{path.stem}.ipynb").write_text(submission(assignment, path.stem, replace), encoding="utf-8")
                plan[student][f"{assignment}/{path.stem}"] = what
    return plan


def plain_course(target: Path, submitted: Path) -> Path:
    """A course folder with nbgrader's defaults: the sources, the class's submissions and a
    configuration that names only the course and its folders."""
    target.mkdir(parents=True)
    shutil.copytree(ROOT / course.SOURCE, target / course.SOURCE, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(submitted, target / course.SUBMITTED)
    (target / "nbgrader_config.py").write_text(PLAIN_CONFIG, encoding="utf-8")
    return target


# --- measuring ------------------------------------------------------------------------------

class TreeMemory:
    """Samples the summed RSS of a process and all its descendants in a thread."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid, self.interval = pid, interval
        self.peak_bytes = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total, count = 0, 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                    count += 1
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self.peak_processes = max(self.peak_processes, count)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def have_psutil() -> bool:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return False
    return True


def measured(commands: list[list[str]], cwd: Path, env: dict[str, str], log: Path) -> dict:
    """Run ``commands`` one after the other through the wrapper (output to ``log``); return
    wall time of each, exit codes, peak tree RSS (if psutil is there) and the largest single
    process's peak RSS."""
    result_file = log.with_suffix(".json")
    payload = json.dumps([{"args": c, "cwd": str(cwd), "env": env} for c in commands])
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", WRAPPER, payload, str(result_file)], stdout=out,
                                stderr=subprocess.STDOUT)
        if have_psutil():
            with TreeMemory(proc.pid) as tree:
                proc.wait()
            tree_peak, processes = tree.peak_bytes, tree.peak_processes
        else:
            proc.wait()
            tree_peak, processes = None, None
        wall = time.perf_counter() - start
    result = json.loads(result_file.read_text()) if result_file.is_file() else {"runs": [], "maxrss_kib": 0, "cpu": 0.0}
    result.update(wall=wall, tree_peak=tree_peak, processes=processes, wrapper_code=proc.returncode)
    return result


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


# --- comparing ------------------------------------------------------------------------------

def scores(root: Path, students: list[str]) -> dict[tuple[str, str, str, str], float | None]:
    """(student, assignment, notebook, test cell) -> auto_score (None when not in the gradebook)."""
    found: dict[tuple[str, str, str, str], float | None] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for student in students:
            for assignment in course.assignments(ROOT):
                cells = course.test_cells(ROOT, assignment)
                for notebook in sorted({c.notebook for c in cells}):
                    try:
                        grades = {g.name: g.auto_score for g in
                                  gradebook.find_submission_notebook(notebook, assignment, student).grades}
                    except MissingEntry:
                        grades = {}
                    for cell in cells:
                        if cell.notebook == notebook:
                            score = grades.get(cell.cell)
                            found[(student, assignment, notebook, cell.cell)] = None if score is None else float(score)
    return found


def cell_outputs(root: Path, key: tuple[str, str, str, str]) -> tuple[bool, str]:
    """Whether the autograded test cell wrote to stderr, and its first error line ("" if none)."""
    student, assignment, notebook, name = key
    path = root / "autograded" / student / assignment / f"{notebook}.ipynb"
    if not path.is_file():
        return False, "no autograded notebook"
    for cell in nbformat.read(path, as_version=4).cells:
        if course.nbgrader_meta(cell).get("grade_id") == name:
            outputs = cell.get("outputs", [])
            stderr = any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in outputs)
            errors = [o for o in outputs if o.get("output_type") == "error"]
            error = f"{errors[-1].get('ename', '')}: {errors[-1].get('evalue', '')}".splitlines()[0][:120] if errors else ""
            return stderr, error
    return False, "cell missing"


def fmt(score: float | None) -> str:
    return "missing" if score is None else f"{score:g}"


def mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 2**20:,.0f} MiB"


# --- main -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=32, help="size of the class (default 32)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="our parallel workers (default: the cores)")
    parser.add_argument("--plain-agg", action="store_true",
                        help="plain nbgrader's kernels draw figures with Matplotlib's agg backend, as ours do "
                             "(default: nbgrader's default, inline PNGs)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the scratch courses in this (new or empty) folder and keep them")
    args = parser.parse_args(argv)

    if args.keep is not None:
        if args.keep.exists() and any(args.keep.iterdir()):
            parser.error(f"{args.keep} is not empty")
        args.keep.mkdir(parents=True, exist_ok=True)
        scratch, cleanup = args.keep.resolve(), None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="bench-grading-")
        scratch = Path(cleanup.name)
    try:
        return run(scratch, args.students, args.jobs, plain_agg=args.plain_agg)
    finally:
        if cleanup is not None:
            cleanup.cleanup()


def run(scratch: Path, n_students: int, jobs: int, *, plain_agg: bool = False) -> int:
    assignments = course.assignments(ROOT)
    env = course.nbgrader_env()
    ours = copy_course(scratch / "ours")
    plan = build_class(ours / course.SUBMITTED, n_students)
    plain = plain_course(scratch / "plain", ours / course.SUBMITTED)
    students = sorted(plan)
    n_notebooks = sum(len(v) for v in plan.values())
    print(f"Class: {n_students} students x {len(assignments)} assignments = {n_notebooks} notebooks; "
          f"{os.cpu_count()} cores; our jobs: {jobs}.", file=sys.stderr, flush=True)

    # plain nbgrader: register (generate_assignment records assignments in the gradebook), then grade
    nbgrader = [sys.executable, "-m", "nbgrader"]
    load_before_plain = load()
    register = measured([[*nbgrader, "generate_assignment", a, "--force",
                          f"--CourseDirectory.release_directory={scratch / 'plain-release'}"] for a in assignments],
                        plain, env, scratch / "plain-register.log")
    print(f"plain nbgrader: registered in {register['wall']:.1f} s; grading...", file=sys.stderr, flush=True)
    plain_env = dict(env, MPLBACKEND="agg") if plain_agg else env   # the kernels inherit it
    graded_plain = measured([[*nbgrader, "autograde", a] for a in assignments], plain, plain_env,
                            scratch / "plain-autograde.log")
    load_after_plain = load()
    print(f"plain nbgrader: graded in {graded_plain['wall']:.1f} s; now ours...", file=sys.stderr, flush=True)

    # the template gradebooks are made once per source version and machine (~/.cache/autograder):
    # before both of our runs, so that neither pays for them
    for assignment in assignments:
        autograder_jobs.template_gradebook(ours, assignment)
    graded_ours = measured([[sys.executable, "-m", "autograder", "--course", str(ours), "grade", "-j", str(jobs),
                             "--quiet"]], ROOT, env, scratch / "ours-grade.log")
    load_after_ours = load()
    print(f"ours: graded in {graded_ours['wall']:.1f} s; now ours on student000 alone...", file=sys.stderr, flush=True)

    # the command's fixed costs (start-up, registration, reports) against its cost per notebook:
    # the same command on a class of student000 alone
    alone = copy_course(scratch / "ours-alone")
    shutil.copytree(ours / course.SUBMITTED / students[0], alone / course.SUBMITTED / students[0])
    n_alone = len(plan[students[0]])
    graded_alone = measured([[sys.executable, "-m", "autograder", "--course", str(alone), "grade", "-j", str(jobs),
                              "--quiet"]], ROOT, env, scratch / "ours-alone.log")

    failed = []
    for label, result, log in (("plain generate_assignment", register, "plain-register.log"),
                               ("plain autograde", graded_plain, "plain-autograde.log"),
                               ("ours", graded_ours, "ours-grade.log"),
                               ("ours, student000 alone", graded_alone, "ours-alone.log")):
        codes = [r["returncode"] for r in result["runs"]]
        if result["wrapper_code"] != 0 or any(codes) or not codes:
            tail = (scratch / log).read_text(encoding="utf-8", errors="replace")[-2000:]
            failed.append(f"{label} failed (exit codes {codes}):\n{tail}")

    plain_scores, our_scores = scores(plain, students), scores(ours, students)
    differences = []
    for key in sorted(plain_scores):
        a, b = plain_scores[key], our_scores.get(key)
        if a != b:
            stderr, error = cell_outputs(plain, key)
            _, our_error = cell_outputs(ours, key)
            explained = stderr and not error and (a or 0) == 0
            differences.append((key, a, b, stderr, error, our_error, explained))
    unexplained = [d for d in differences if not d[6]]

    per_minute = lambda seconds: n_notebooks / seconds * 60  # noqa: E731
    plain_seconds, our_seconds = graded_plain["wall"], graded_ours["wall"]
    total_plain = sum(s or 0 for s in plain_scores.values())
    total_ours = sum(s or 0 for s in our_scores.values())

    print(f"### Grading throughput: {n_students} students x {len(assignments)} assignments "
          f"({n_notebooks} notebooks), {os.cpu_count()} cores; plain nbgrader's figures: "
          f"{'agg, as ours (--plain-agg)' if plain_agg else 'inline PNGs (its default; ours: agg)'}\n")
    print("| | plain `nbgrader autograde` | ours (`autograder grade -j "
          f"{jobs}`, sandbox on) |")
    print("|---|---:|---:|")
    print(f"| grading wall time | {plain_seconds:.1f} s (+ {register['wall']:.1f} s `generate_assignment`, "
          f"not counted) | {our_seconds:.1f} s (registration included) |")
    print("| per assignment | " + ", ".join(f"{r['seconds']:.0f}" for r in graded_plain["runs"]) + " s | - |")
    print(f"| throughput | {per_minute(plain_seconds):.1f} notebooks/min | {per_minute(our_seconds):.1f} notebooks/min |")
    cpu = lambda r: f"{r['cpu']:.0f} s ({r['cpu'] / n_notebooks:.1f} s per notebook, {r['cpu'] / r['wall']:.2f} cores busy on average)"  # noqa: E501, E731
    print(f"| CPU time of the machine during the run (/proc/stat) | {cpu(graded_plain)} | {cpu(graded_ours)} |")
    marginal = (graded_ours["cpu"] - graded_alone["cpu"]) / max(n_notebooks - n_alone, 1)
    fixed = graded_alone["cpu"] - n_alone * marginal
    print(f"| CPU per notebook, the command's fixed costs left out | - | {marginal:.2f} s (the class's CPU less "
          f"that of the same command on student000 alone, {graded_alone['cpu']:.0f} s, per notebook more) |")
    print(f"| the command's fixed CPU (start-up, registration, reports) | - | {fixed:.1f} s |")
    print(f"| peak tree RSS (sum over processes, sampled) | {mib(graded_plain['tree_peak'])} "
          f"({graded_plain['processes'] or 'n/a'} processes at most) | {mib(graded_ours['tree_peak'])} "
          f"({graded_ours['processes'] or 'n/a'} processes at most) |")
    print(f"| max RSS of one process (RUSAGE_CHILDREN) | {mib(graded_plain['maxrss_kib'] * 1024)} | "
          f"{mib(graded_ours['maxrss_kib'] * 1024)} |")
    print(f"| load average (1/5/15 min) before / after | {load_before_plain} / {load_after_plain} | "
          f"{load_after_plain} / {load_after_ours} |")
    print(f"| total autograded points | {total_plain:g} | {total_ours:g} |")
    print()
    ratio = plain_seconds / our_seconds
    with_registration = (plain_seconds + register["wall"]) / our_seconds
    print(f"**Ratio ours / plain throughput: {ratio:.2f}x** (plain: `autograde` only; ours: registration "
          f"included; goal: at least 4x on 2 cores with the sandbox on, 3x with --plain-agg). Counting plain's "
          f"`generate_assignment` too: {with_registration:.2f}x.\n")
    cores = min(jobs, os.cpu_count() or 1)
    print(f"Load-independent bound: on {cores} idle core(s) ours could reach at most "
          f"{cores} x plain CPU / our CPU = {cores * graded_plain['cpu'] / max(graded_ours['cpu'], 1e-9):.2f}x "
          f"(plain uses about one core; ours is assumed to keep {cores} busy).\n")
    print(f"Scores compared: {len(plain_scores)} test cells; {len(differences)} differ "
          f"({len(differences) - len(unexplained)} explained by stderr, {len(unexplained)} unexplained).")
    if differences:
        print("\n| student | cell | plain | ours | why |")
        print("|---|---|---:|---:|---|")
        for (student, assignment, _nb, cell), a, b, stderr, error, our_error, explained in differences[:10]:
            why = ("plain: stderr output scores 0 (ours drops stderr)" if explained else
                   "; ".join(x for x in (f"plain: {error}" if error else "", "plain: stderr" if stderr else "",
                                         f"ours: {our_error}" if our_error else "") if x) or "unknown")
            why = f"{why} ({plan[student][f'{assignment}/{_nb}']})".replace("|", "\\|")
            print(f"| {student} | {assignment}/{cell} | {fmt(a)} | {fmt(b)} | {why} |")
        if len(differences) > 10:
            print(f"\n... and {len(differences) - 10} more.")
    maximum = {(c.assignment, c.notebook, c.cell): c.max_score for a in assignments for c in course.test_cells(ROOT, a)}
    lost = {k[0] for k, s in our_scores.items() if (s or 0) < maximum[k[1:]]}
    print(f"\nStudents below full marks (ours): {len(lost)} of {n_students}.")
    for problem in failed:
        print(f"\n**{problem}**")
    return 1 if failed or unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
