"""Regenerating the student notebooks (``notebooks/``) from the instructor notebooks
(``solutions/``) with ``nbgrader generate_assignment``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat

from autograder import course, notebooks


class ReleaseError(RuntimeError):
    """nbgrader could not generate an assignment."""


def generate(root: Path, assignment: str, into: Path, *, database: bool, options: tuple[str, ...] = ()) -> Path:
    """Run ``nbgrader generate_assignment`` for one assignment with its release folder set
    to ``into``; with ``database=True`` the assignment and its graded cells are also
    recorded in the course gradebook (``options``: more nbgrader options, e.g. the
    gradebook's URL). Returns the generated assignment folder."""
    args = ["generate_assignment", assignment, "--force", f"--CourseDirectory.release_directory={into}", *options]
    if not database:
        args.append("--no-db")
    done = course.run_nbgrader(root, *args)
    if done.returncode != 0:
        raise ReleaseError(f"nbgrader generate_assignment {assignment} failed:\n{done.output[-3000:]}")
    return into / assignment


def release(root: Path, output: Path | None = None) -> list[Path]:
    """Regenerate every assignment's student version into ``output`` (default: the
    course's ``notebooks/``), stored clean. Returns the files written."""
    output = output or root / course.RELEASE
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in course.assignments(root):
            generated = generate(root, assignment, Path(tmp), database=False)
            target = output / assignment
            if target.exists():
                shutil.rmtree(target)
            for path in sorted(generated.rglob("*")):
                if path.is_dir() or ".ipynb_checkpoints" in path.parts:
                    continue
                dest = target / path.relative_to(generated)
                dest.parent.mkdir(parents=True, exist_ok=True)
                if path.suffix == ".ipynb":
                    notebooks.write(notebooks.clean(nbformat.read(path, as_version=4)), dest)
                else:
                    shutil.copy2(path, dest)
                written.append(dest)
    return written
