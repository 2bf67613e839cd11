"""Shared fixtures: the repository's paths and a scratch copy of the course."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import course

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.fixture
def scratch_course(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")
