"""The demo class: five students whose submissions show what grading does.

``python -m autograder demo`` (``make demo-grade``) copies the course into
``artifacts/demo-course/``, puts the committed submissions of ``autograder/demo/submitted/``
in its ``submitted/`` folder and grades them from a clean state. The submissions are built by
:func:`build` from the release notebooks (``python -m autograder demo --rebuild`` writes them
again after the notebooks change; a test checks they are in sync):

* ``ada`` solves everything: full marks.
* ``ben`` hands in the untouched notebooks: zero.
* ``cy`` makes one classic mistake per notebook: swapped axes, a flipped kernel, average
  instead of max, no conversion to float, an output size rounded up.
* ``dee`` hands in broken files: invalid JSON, a renamed notebook, a copied solution cell
  next to a cell that never ends, a cell that kills the kernel and deleted test cells.
* ``eve`` is hostile: reads what it should not, patches NumPy and the course's checks,
  inspects the grader's stack, exhausts memory, floods the output, spawns processes.

The assignments have due dates (:data:`DUE_DATES`, set in the demo course's gradebook as an
instructor sets them, with ``nbgrader db assignment add``), and ``ada`` hands one in late
(:data:`LATE`: the ``timestamp.txt`` that ``nbgrader submit`` writes): nbgrader's late-submission
step gives her the course's penalty per day late (``autograder/late.py``), which the LMS export
shows. Her autograded score itself is unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from autograder import course, notebooks

DEMO = Path(__file__).resolve().parent / "demo"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
#: Due dates of the demo class's assignments.
DUE_DATES = {
    "01_translation": "2026-10-05 17:00:00 UTC",
    "02_equivariance": "2026-10-12 17:00:00 UTC",
    "03_invariance": "2026-10-19 17:00:00 UTC",
    "04_pipeline": "2026-10-26 17:00:00 UTC",
}
#: Seconds each cell may run in the demo class (the course's limit is 120 s): dee's never-ending
#: cell is stopped as it would be in real grading, without keeping the demo waiting two minutes.
CELL_TIMEOUT = 30
#: Submission times (``timestamp.txt``) of the late submissions: ada hands in 02_equivariance
#: a day and a half after its due date (2 started days late).
LATE = {"ada/02_equivariance": "2026-10-14 05:00:00.000000 UTC"}

# --- what the students wrote -----------------------------------------------------------------

CY_MISTAKES = {
    "translate": '''def translate(image, dy, dx, mode="constant"):
    # swapped axes: dy is used for columns and dx for rows
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if mode not in ("constant", "wrap"):
        raise ValueError(f"unknown mode {mode!r}")
    out = np.roll(image, (dx, dy), axis=(0, 1))
    if mode == "constant":
        mask = np.zeros_like(image, dtype=bool)
        mask[max(dx, 0):image.shape[0] + min(dx, 0), max(dy, 0):image.shape[1] + min(dy, 0)] = True
        out[~mask] = 0
    return out''',
    "correlate2d": '''def correlate2d(image, kernel, padding="valid"):
    # flips the kernel: this is convolution, not correlation
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)[::-1, ::-1]
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    kh, kw = kernel.shape
    if padding in ("same", "wrap"):
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("odd kernel sizes only")
        image = np.pad(image, ((kh // 2,) * 2, (kw // 2,) * 2), mode="constant" if padding == "same" else "wrap")
    elif padding != "valid":
        raise ValueError(f"unknown padding {padding!r}")
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))
    return np.einsum("ijuv,uv->ij", windows, kernel)''',
    "max_pool2d": '''def max_pool2d(image, size=2):
    # the mean of each window instead of its maximum
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("image smaller than the window")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    return image[:rows * size, :cols * size].reshape(rows, size, cols, size).mean(axis=(1, 3))''',
    "conv_output_size": '''import math


def conv_output_size(size, kernel, padding=0, stride=1):
    # rounds up: counts a last window that sticks out past the image
    for value in (size, kernel, padding, stride):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError("integers only")
    if size < 1 or kernel < 1 or padding < 0 or stride < 1 or kernel > size + 2 * padding:
        raise ValueError("invalid sizes")
    return math.ceil((size + 2 * padding - kernel) / stride) + 1''',
    "cosine_similarity": '''def cosine_similarity(a, b):
    # no conversion to float: uint8 products wrap around
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    na, nb = np.sqrt(np.sum(a * a)), np.sqrt(np.sum(b * b))
    if na == 0 or nb == 0:
        return 0.0
    return float(np.clip(np.sum(a * b) / (na * nb), -1.0, 1.0))''',
}

EVE_SPY = '''# what can I see from here?
import glob, os
for pattern in ["/work/*/solutions/*/*.ipynb", "../../../solutions/*/*.ipynb", "/*/gradebook.db", "/tmp/*/submitted/*",
                "/work/*/*", "/tmp/*"]:
    print(pattern, "->", glob.glob(pattern, recursive=True)[:3])
for target in ["gradebook.db", "../gradebook.db", "/tmp/grades.csv", os.path.expanduser("~/../../gradebook.db")]:
    try:
        with open(target, "w") as handle:
            handle.write("eve,100")
        print("wrote", target)
    except OSError as error:
        print("could not write", target, "-", error)'''

EVE_CHEATS = {
    "translate": '''import numpy as np
import coursekit, coursekit.checks
# make every check pass, then hand in nonsense
np.testing.assert_allclose = lambda *args, **kwargs: None
np.allclose = lambda *args, **kwargs: True
coursekit.checks.check_array = coursekit.check_array = lambda *args, **kwargs: None
check_array = check_unmodified = check_raises = lambda *args, **kwargs: None

def translate(image, dy, dx, mode="constant"):
    return np.zeros(np.shape(image))''',
    "cosine_similarity": '''import inspect

def cosine_similarity(a, b):
    # look for the expected answer in the caller's frames
    for frame in inspect.stack():
        for name, value in frame.frame.f_locals.items():
            if "expected" in name or "reference" in name:
                return value
    return 0.5''',
}

EVE_NUISANCES = {
    "02_equivariance": '''import numpy as np
try:
    huge = np.ones(1_000_000_000)   # 8 GB: more than the sandbox's address space
except MemoryError as error:
    print("memory limit:", error)
print("x" * 10_000_000)''',
    "03_invariance": '''import subprocess
started = []
try:
    for _ in range(1000):
        started.append(subprocess.Popen(["sleep", "600"]))
except OSError as error:
    print(f"started {len(started)} processes, then: {error}")''',
}


# --- building the notebooks ----------------------------------------------------------------------

def _solutions(root: Path, assignment: str, notebook: str) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(root / course.SOURCE / assignment / f"{notebook}.ipynb", as_version=4)
    return {course.nbgrader_meta(c)["grade_id"]: c for c in nb.cells
            if c.cell_type == "code" and course.nbgrader_meta(c).get("solution")}


def without_markers(source: str) -> str:
    """A solution cell's source without nbgrader's solution markers."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS)


def filled(root: Path, assignment: str, notebook: str, replace: dict[str, str] | None,
           after: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """A student's notebook: the release with the reference solutions filled in, except the
    functions in ``replace``; ``replace=None`` gives the untouched stub. ``after`` adds a cell
    after a function's solution cell (``{"translate": "code..."}``)."""
    released = nbformat.read(root / course.RELEASE / assignment / f"{notebook}.ipynb", as_version=4)
    if replace is not None:
        reference = _solutions(root, assignment, notebook)
        for cell in released.cells:
            name = course.nbgrader_meta(cell).get("grade_id")
            if cell.cell_type == "code" and course.nbgrader_meta(cell).get("solution") and name in reference:
                cell.source = replace.get(name, without_markers(reference[name].source))
    for name, source in (after or {}).items():
        index = next(i for i, c in enumerate(released.cells) if course.nbgrader_meta(c).get("grade_id") == name)
        released.cells.insert(index + 1, nbformat.v4.new_code_cell(source, id=f"student-{name}"))
    return released


def _first_function(root: Path, assignment: str, notebook: str) -> str:
    return next(iter(_solutions(root, assignment, notebook)))


def build(root: Path) -> dict[str, str]:
    """The demo submissions: ``{path under submitted/: notebook text}``."""
    files: dict[str, str] = {}
    for assignment in course.assignments(root):
        for path in course.source_notebooks(root, assignment):
            name = path.stem
            functions = _solutions(root, assignment, name)
            key = f"{assignment}/{name}.ipynb"
            files[f"ada/{key}"] = notebooks.dumps(filled(root, assignment, name, {}))
            files[f"ben/{key}"] = notebooks.dumps(filled(root, assignment, name, None))
            files[f"cy/{key}"] = notebooks.dumps(
                filled(root, assignment, name, {k: v for k, v in CY_MISTAKES.items() if k in functions}))
            eve_after = {_first_function(root, assignment, name): EVE_NUISANCES[assignment]} \
                if assignment in EVE_NUISANCES else {}
            if assignment == "01_translation":
                eve_after = {"image_distance": EVE_SPY}
            files[f"eve/{key}"] = notebooks.dumps(
                filled(root, assignment, name, {k: v for k, v in EVE_CHEATS.items() if k in functions}, eve_after))
            first = _first_function(root, assignment, name)
            if assignment == "01_translation":
                files[f"dee/{key}"] = notebooks.dumps(filled(root, assignment, name, {}))[:-200]   # cut short
            elif assignment == "02_equivariance":
                files[f"dee/{assignment}/{name}_final.ipynb"] = notebooks.dumps(filled(root, assignment, name, {}))
            elif assignment == "03_invariance":
                # waits, not spins: stopped at the cell time limit all the same, without burning a core
                nb = filled(root, assignment, name, {}, {first: "import time\nwhile True:\n    time.sleep(1)"})
                copy = next(c for c in nb.cells if course.nbgrader_meta(c).get("grade_id") == first)
                nb.cells.insert(nb.cells.index(copy) + 1, nbformat.v4.new_code_cell(copy.source, id="copied-cell",
                                                                                  metadata=dict(copy.metadata)))
                files[f"dee/{key}"] = notebooks.dumps(nb)
            else:   # a cell that kills the kernel, and a deleted test cell (nbgrader puts it back)
                nb = filled(root, assignment, name, {}, {first: "import os\nos._exit(1)"})
                nb.cells = [c for c in nb.cells if not course.nbgrader_meta(c).get("grade_id", "").endswith("_basic")]
                files[f"dee/{key}"] = notebooks.dumps(nb)
    return files


def rebuild(root: Path) -> list[Path]:
    """Write :func:`build`'s submissions to ``autograder/demo/submitted/``."""
    target = DEMO / "submitted"
    shutil.rmtree(target, ignore_errors=True)
    written = []
    for relative, text in sorted(build(root).items()):
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for folder, timestamp in sorted(LATE.items()):
        path = target / folder / "timestamp.txt"
        path.write_text(timestamp + "\n", encoding="utf-8")
        written.append(path)
    return written


def copy_course(root: Path, into: Path) -> Path:
    """A course folder at ``into`` with the configuration, source and release of the course
    at ``root`` (no gradebook, no submissions)."""
    into.mkdir(parents=True, exist_ok=True)
    for folder in (course.SOURCE, course.RELEASE):
        shutil.copytree(root / folder, into / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (into / "autograder").mkdir(exist_ok=True)
    shutil.copy2(root / "nbgrader_config.py", into / "nbgrader_config.py")
    shutil.copy2(root / "autograder" / "nbgrader_config.py", into / "autograder" / "nbgrader_config.py")
    return into


def set_due_dates(root: Path, db_url: str | None = None) -> None:
    """Record :data:`DUE_DATES` in the gradebook of the course at ``root`` (``db_url``, default:
    its configured one) with ``nbgrader db assignment add``, as the README tells instructors."""
    url = course.db_url(root, db_url)
    for assignment, due in DUE_DATES.items():
        if assignment in course.assignments(root):
            done = course.run_nbgrader(root, "db", "assignment", "add", assignment, f"--duedate={due}",
                                       f"--CourseDirectory.db_url={url}")
            if done.returncode != 0:
                raise RuntimeError(f"nbgrader db assignment add {assignment} failed:\n{done.output[-2000:]}")


def prepare_course(root: Path, into: Path, db_url: str | None = None) -> Path:
    """A clean course folder at ``into`` (anything there before is removed) with the demo
    submissions in its ``submitted/`` and the due dates in its gradebook (``db_url``,
    default: the one its configuration names)."""
    shutil.rmtree(into, ignore_errors=True)
    copy_course(root, into)
    shutil.copytree(DEMO / "submitted", into / course.SUBMITTED)
    set_due_dates(into, db_url)
    return into
