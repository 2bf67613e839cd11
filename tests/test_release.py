"""`make release` reproduces notebooks/ exactly; nbgrader's validator passes the solutions
and fails every test of the released stubs.

The validator runs here with nbgrader's ``Execute`` skipping the display-only cells that
``autograder.cellplan`` proves the test cells do not need, as grading skips them (the figures,
widgets and experiments, most of a notebook's run time); every cell runs in the browser tests
(``test_browser.py`` runs each solution notebook whole, and clicks Validate there; the lab's
Validate, ``autograder.validation``, skips the same cells: ``test_validate.py``)."""

from __future__ import annotations

import subprocess
import sys

from pathlib import Path

import nbformat
import pytest
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, Execute
from nbgrader.validator import Validator

from autograder import cellplan, course, execute, verdicts
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


def skipping_display_cells(source: Path) -> type[Execute]:
    """nbgrader's ``Execute``, without the display-only cells of ``source`` that grading skips:
    the plan of ``SandboxedExecute`` with the test cells run in the kernel, as here. The cells
    it skipped are kept in its ``skipped`` (indexes of the notebook's cells)."""
    display = execute.display_cells(source)
    functions = verdicts.graded_functions(nbformat.read(source, as_version=4))

    class SkippingExecute(Execute):
        skipped: set[int] | None = None

        def preprocess(self, nb, resources=None, km=None):
            runs = iter(execute.SandboxedExecute(judge_outside=False)._plan(nb, display, functions))
            type(self).skipped = {i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and not next(runs)}
            return super().preprocess(nb, resources, km)

        def preprocess_cell(self, cell, resources, index):
            if index in type(self).skipped:
                return cell, resources
            return super().preprocess_cell(cell, resources, index)

    return SkippingExecute


def validate(path: Path, invert: bool = False) -> dict:
    """nbgrader's Validator on ``path``; also checks that it skipped display-only cells only."""
    validator = Validator(invert=invert)
    validator.config.Execute.timeout = 300
    skipping = skipping_display_cells(ROOT / course.SOURCE / path.parent.name / path.name)
    validator.preprocessors = [CheckCellMetadata, ClearOutput, skipping]
    result = validator.validate(str(path))
    cells = nbformat.read(path, as_version=4).cells
    assert skipping.skipped, "the validator ran every cell: the skipping executor was not used"
    assert all(cellplan.DISPLAY_TAG in cells[i].metadata.get("tags", []) for i in skipping.skipped)
    return result


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
