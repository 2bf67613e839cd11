"""Shared fixtures: the repository's paths and a scratch copy of the course."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder import course, demo, notebooks, sandbox

ROOT = Path(__file__).resolve().parent.parent


def pytest_sessionstart(session: pytest.Session) -> None:
    """Most tests grade submissions, and grading runs students' code in bubblewrap: without
    it, stop at once with what to install rather than fail a hundred tests one by one."""
    try:
        sandbox.bwrap_path()
    except sandbox.SandboxUnavailable as missing:
        pytest.exit(f"cannot run the tests: {missing}", returncode=1)


def solution_notebooks() -> list[Path]:
    return sorted((ROOT / course.SOURCE).glob("*/*.ipynb"))


def release_notebooks() -> list[Path]:
    return sorted((ROOT / course.RELEASE).glob("*/*.ipynb"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def copy_course(target: Path) -> Path:
    """A course folder at ``target`` with this course's configuration, source and release
    (no gradebook, no submissions), so that tests never touch the real one."""
    return demo.copy_course(ROOT, target)


def solution_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {course.nbgrader_meta(c)["grade_id"]: c for c in nb.cells
            if c.cell_type == "code" and course.nbgrader_meta(c).get("solution")}


def submission(assignment: str, notebook: str, replace: dict[str, str] | None) -> str:
    """A student's notebook: the release with the reference solutions filled in, except
    for the functions in ``replace``; ``replace=None`` gives the untouched stub."""
    return notebooks.dumps(demo.filled(ROOT, assignment, notebook, replace))


@pytest.fixture
def scratch_course(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")
