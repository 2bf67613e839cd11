"""`python -m autograder`: --course works before or after the command, as the spec writes it."""

from __future__ import annotations

import subprocess
import sys

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
