"""`python -m autograder`: --course works before or after the command, as the spec writes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=300)


@pytest.mark.parametrize("order", ["after", "before"])
def test_course_option_on_either_side_of_the_command(scratch_course, tmp_path, order):
    args = ["clean", "--course", str(scratch_course)] if order == "after" else ["--course", str(scratch_course), "clean"]
    assert run(*args, cwd=tmp_path).returncode == 0


def test_a_folder_without_solutions_is_refused_in_plain_words(tmp_path):
    done = run("grade", "--course", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2 and "is not a course folder: it has no solutions/ folder" in done.stderr


@pytest.mark.parametrize("command", ["grade", "demo", "feedback", "export"])
def test_every_gradebook_command_takes_db(tmp_path, command):
    done = run(command, "--help", cwd=tmp_path)
    assert done.returncode == 0 and "--db URL" in done.stdout


def test_the_configured_gradebook_is_the_one_used(scratch_course, tmp_path):
    """``c.CourseDirectory.db_url`` in the course's nbgrader_config.py, not gradebook.db;
    ``--db`` wins over it."""
    configured, given = tmp_path / "configured.db", tmp_path / "given.db"
    with (scratch_course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(f"\nc.CourseDirectory.db_url = 'sqlite:///{configured}'\n")
    assert run("export", "--course", str(scratch_course), cwd=tmp_path).returncode == 0
    assert configured.is_file() and not (scratch_course / "gradebook.db").exists()
    assert run("export", "--course", str(scratch_course), "--db", f"sqlite:///{given}", cwd=tmp_path).returncode == 0
    assert given.is_file() and not (scratch_course / "gradebook.db").exists()


def test_the_gradebook_revision_read_from_the_scripts_is_alembics(monkeypatch):
    """nbgrader's own answer (the ``alembic heads`` command) and the one read from its
    migration scripts agree, and a new gradebook is stamped with it without a subprocess."""
    import nbgrader.api

    from autograder import alembic_head

    alembic_head.install()
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")   # its `alembic`
    assert nbgrader.api.get_alembic_version.original() == alembic_head.head()
