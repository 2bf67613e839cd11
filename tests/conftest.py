"""Shared fixtures: the repository's paths and a scratch copy of the course."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import course, notebooks

ROOT = Path(__file__).resolve().parent.parent
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def solution_notebooks() -> list[Path]:
    return sorted((ROOT / course.SOURCE).glob("*/*.ipynb"))


def release_notebooks() -> list[Path]:
    return sorted((ROOT / course.RELEASE).glob("*/*.ipynb"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def copy_course(target: Path) -> Path:
    """A course folder at ``target`` with this course's configuration, source and release
    (no gradebook, no submissions), so that tests never touch the real one."""
    target.mkdir(parents=True, exist_ok=True)
    for folder in (course.SOURCE, course.RELEASE):
        shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (target / "autograder").mkdir(exist_ok=True)
    shutil.copy2(ROOT / "nbgrader_config.py", target / "nbgrader_config.py")
    shutil.copy2(ROOT / "autograder" / "nbgrader_config.py", target / "autograder" / "nbgrader_config.py")
    return target


def solution_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {course.nbgrader_meta(c)["grade_id"]: c for c in nb.cells
            if c.cell_type == "code" and course.nbgrader_meta(c).get("solution")}


def without_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS)


def submission(assignment: str, notebook: str, replace: dict[str, str] | None) -> str:
    """A student's notebook: the release with the reference solutions filled in, except
    for the functions in ``replace``; ``replace=None`` gives the untouched stub."""
    released = read(ROOT / course.RELEASE / assignment / f"{notebook}.ipynb")
    if replace is not None:
        reference = solution_cells(read(ROOT / course.SOURCE / assignment / f"{notebook}.ipynb"))
        for name, cell in solution_cells(released).items():
            cell.source = replace.get(name, without_markers(reference[name].source))
    return notebooks.dumps(released)


@pytest.fixture
def scratch_course(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")
