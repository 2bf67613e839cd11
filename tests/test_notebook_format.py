"""How notebooks are stored, and the conventions the autograder relies on (COURSE_SPEC)."""

from __future__ import annotations

import ast
import json
import re

import pytest

from autograder import course, notebooks
from conftest import ROOT, read, release_notebooks, solution_notebooks

ALL = solution_notebooks() + release_notebooks()


def test_every_assignment_is_released():
    assert solution_notebooks(), "no solution notebooks found"
    assert [p.relative_to(ROOT / course.SOURCE) for p in solution_notebooks()] == [
        p.relative_to(ROOT / course.RELEASE) for p in release_notebooks()
    ]


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_stored_clean_with_nbgrader_metadata(path):
    raw = json.loads(path.read_text())
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{cell['id']} has outputs"
    assert any("nbgrader" in c["metadata"] for c in raw["cells"]), "nbgrader metadata was stripped"
    assert notebooks.dumps(notebooks.clean(read(path))) == path.read_text(), (
        "not stored in clean form: run `make clean-notebooks`"
    )


def graded_function_cells(nb) -> dict[str, str]:
    return {course.nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells
            if c.cell_type == "code" and course.nbgrader_meta(c).get("solution")}


def defined_functions(source: str) -> list[str]:
    source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    return [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_graded_functions_follow_the_conventions(path):
    nb = read(path)
    functions = graded_function_cells(nb)
    assert functions, "no graded function"
    tests = [course.nbgrader_meta(c)["grade_id"] for c in nb.cells if course.is_autograded_test(c)]
    for name, source in functions.items():
        # defined alone in its own solution cell, named by its grade_id
        public = [f for f in defined_functions(source) if not f.startswith("_")]
        assert public == [name], f"solution cell {name!r} must define exactly the function {name}()"
        assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source
        # visible and hidden tests, named test_<function>_...
        own = [t for t in tests if t.startswith(f"test_{name}_")]
        assert len(own) >= 2, f"{name}: needs visible and hidden test cells"
        sources = {course.nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if course.is_autograded_test(c)}
        assert any("### BEGIN HIDDEN TESTS" in sources[t] for t in own), f"{name}: no hidden tests"
        assert any("### BEGIN HIDDEN TESTS" not in sources[t] for t in own), f"{name}: no visible tests"
    for grade_id in tests:
        assert any(grade_id.startswith(f"test_{f}_") for f in functions), f"{grade_id} names no graded function"
    # no later cell redefines a graded function
    for cell in nb.cells:
        if cell.cell_type == "code" and not course.nbgrader_meta(cell).get("solution"):
            redefined = set(defined_functions(cell.source)) & set(functions)
            assert not redefined, f"cell {cell.id} redefines {redefined}"


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_has_a_written_question_and_unique_ids(path):
    nb = read(path)
    metas = [course.nbgrader_meta(c) for c in nb.cells if course.nbgrader_meta(c)]
    written = [m for m in metas if m.get("grade") and m.get("solution")]
    assert any(c.cell_type == "markdown" and course.nbgrader_meta(c) in written for c in nb.cells), "no written question"
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids)), "duplicate grade_id"
    cell_ids = [c.id for c in nb.cells]
    assert len(cell_ids) == len(set(cell_ids)) and all(re.fullmatch(r"[\w-]{1,64}", i) for i in cell_ids)


@pytest.mark.parametrize("path", release_notebooks(), ids=lambda p: p.stem)
def test_release_hides_solutions_and_hidden_tests(path):
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "_reference_"):
        assert marker not in text, f"{marker!r} leaked into the student notebook"


def test_stored_metadata_is_what_the_lab_writes():
    """JupyterLab replaces a notebook's language_info and kernelspec with the kernel's on opening
    when they differ, and then marks it modified: the stored ones are the installed kernel's."""
    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    assert notebooks.LANGUAGE_INFO == IPythonKernel.language_info, (
        "the course's Python or ipykernel changed: update autograder/notebooks.py's LANGUAGE_INFO, "
        "then `make clean-notebooks release`")
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert notebooks.KERNELSPEC == {"display_name": spec.display_name, "language": spec.language, "name": "python3"}
    for path in ALL:
        metadata = json.loads(path.read_text())["metadata"]
        assert metadata["language_info"] == notebooks.LANGUAGE_INFO and metadata["kernelspec"] == notebooks.KERNELSPEC
