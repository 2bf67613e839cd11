"""Every solution notebook runs top to bottom without an error or a warning."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import read, solution_notebooks


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_notebook_executes_cleanly(path):
    nb = read(path)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    problems = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"{cell.id}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                problems.append(f"{cell.id} wrote to stderr: {output.text.strip()[:300]}")
    assert not problems, "\n".join(problems)
    assert any(o.output_type == "display_data" and "image/png" in o.get("data", {})
               for c in nb.cells for o in c.get("outputs", [])), "no figure was drawn"
    nbformat.validate(nb)
