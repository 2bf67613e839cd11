"""Every number the course's text states about a result is printed by the run or is a literal of
the code (the convention is in ``textnumbers.py``), on the solution notebooks executed with every
cell run; a wrong number planted in each notebook, and in the README, is found.

Each solution notebook is executed once here, with nbclient (about 45 s of CPU for all five), and
saved to ``artifacts/executed/``: the other tests run only the cells grading needs, or run them in
the browser, whose outputs stay there."""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import textnumbers
from conftest import ROOT, solution_notebooks

EXECUTED = ROOT / "artifacts" / "executed"
#: where the course's results are also stated: the README's and the docs' tables of notebooks
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

NOTEBOOKS = [pytest.param(p, id=p.stem, marks=pytest.mark.xdist_group(f"numbers-{p.stem}")) for p in solution_notebooks()]


@functools.cache
def executed(path: Path) -> nbformat.NotebookNode:
    """The solution notebook with every cell run (once per test process), saved to artifacts/."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [c for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.get("outputs", []))]
    assert not errors, f"{path.name}: a cell failed when run from top to bottom:\n{errors[0].source[:300]}"
    EXECUTED.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, EXECUTED / path.name)
    return nb


@functools.cache
def kit_literals() -> frozenset[textnumbers.Number]:
    return frozenset(textnumbers.coursekit_literals(ROOT))


def findings(nb: nbformat.NotebookNode, name: str, documents: list[Path] = DOCUMENTS) -> list[textnumbers.Finding]:
    literals = set(kit_literals())
    return textnumbers.notebook_findings(nb, name, literals) + textnumbers.document_findings(documents, nb, name, literals)


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_number_in_the_text_comes_from_the_run(path):
    wrong = [f for f in findings(executed(path), path.stem) if f.wrong]
    assert not wrong, (f"{len(wrong)} number(s) in the text of {path.stem} (or in the README's row about it) that the "
                       "run does not print:\n" + "\n".join(map(str, wrong)))


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_a_planted_wrong_number_is_found(path):
    """Change one number that the text quotes from the run (the last one, a model answer's when there
    is one): the check must report exactly that number."""
    nb = executed(path)
    quoted = [f for f in textnumbers.notebook_findings(nb, path.stem, set(kit_literals()))
              if f.verdict == textnumbers.PRINTED and ("text" in f.where or "model answer" in f.where)]
    assert quoted, f"{path.stem}: no number of its text is quoted from the run, so nothing could be planted"
    target = quoted[-1]
    index = int(target.where.split("cell ")[1].split(" ")[0])
    before = {(f.where, f.number.start) for f in findings(nb, path.stem, []) if f.wrong}
    for wrong in textnumbers.wrong_versions(target.number):
        changed = nbformat.from_dict(nb)
        changed.cells[index].source = textnumbers.planted(nb.cells[index].source, target.number, wrong)
        found = [f for f in findings(changed, path.stem, []) if f.wrong and (f.where, f.number.start) not in before]
        if found:
            break
    assert [f.number.text for f in found] == [wrong], (
        f"{path.stem}: {target.number.text} changed to {wrong} in cell {index}, and the check reported {found}")


def quotes_the_run(path: Path) -> bool:
    """Whether the README's row about the notebook states a number that only its run can give
    (judged against the notebook as stored, without outputs)."""
    source = nbformat.read(path, as_version=4)
    return any(f.wrong for f in textnumbers.document_findings(DOCUMENTS, source, path.stem, set(kit_literals())))


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if quotes_the_run(p.values[0])])
def test_a_planted_wrong_number_in_the_readme_is_found(path, tmp_path):
    nb = executed(path)
    rows = [f for f in textnumbers.document_findings(DOCUMENTS, nb, path.stem, set(kit_literals()))
            if f.verdict == textnumbers.PRINTED]
    assert rows, f"the README's row about {path.stem} states a number, but none that the run prints"
    readme = (ROOT / "README.md").read_text()
    (row,) = textnumbers.table_rows_about(readme, path.stem)
    claims_start = row.index("|", row.index("|", row.index("|", row.index("|") + 1) + 1)) + 1
    number = rows[0].number
    for wrong in textnumbers.wrong_versions(number):
        changed_row = row[:claims_start] + textnumbers.planted(row[claims_start:], number, wrong)
        (tmp_path / "README.md").write_text(readme.replace(row, changed_row))
        found = [f for f in textnumbers.document_findings([tmp_path / "README.md"], nb, path.stem, set(kit_literals()))
                 if f.wrong]
        if found:
            break
    assert [f.number.text for f in found] == [wrong], f"README: {number.text} changed to {wrong}: {found}"
