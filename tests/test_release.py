"""`make release` reproduces notebooks/ exactly; nbgrader's validator passes the solutions
and fails every test of the released stubs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from nbgrader.validator import Validator

from autograder import course
from conftest import ROOT, release_notebooks, solution_notebooks


def test_release_is_in_sync(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograder", "release", "--output", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(ROOT / course.RELEASE) for p in (ROOT / course.RELEASE).rglob("*")
                       if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    assert generated == committed
    for relative in generated:
        assert (tmp_path / relative).read_bytes() == (ROOT / course.RELEASE / relative).read_bytes(), (
            f"notebooks/{relative} differs from what `make release` generates: run `make release` and commit"
        )


def validate(path, invert=False):
    validator = Validator(invert=invert)
    validator.config.Execute.timeout = 300
    return validator.validate(str(path))


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_solutions_pass_nbgrader_validation(path):
    result = validate(path)
    assert result == {}, f"nbgrader validate reports problems on the solution: {result}"


@pytest.mark.parametrize("path", release_notebooks(), ids=lambda p: p.stem)
def test_released_stubs_fail_every_test(path):
    result = validate(path, invert=True)
    # with invert=True, "passed" lists the test cells that pass although nothing is implemented;
    # any other key ("changed", "type_changed") would mean the check did not run at all
    assert result == {}, f"tests that pass on the empty stub, or changed cells: {result}"
