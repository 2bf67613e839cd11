"""Every number the course's text states about a result is printed by the run or is a literal of
the code (the convention is in ``textnumbers.py``), on the solution notebooks executed with every
cell run; a wrong number planted in each notebook, and in the README, is found.

Each solution notebook is executed once here, with every cell run, by nbclient, and saved to
``artifacts/executed/`` (the validator runs only the cells grading needs, and the browser test's
outputs stay in the browser). That is about a minute of one worker for all five, notebook 5 about
half of it; each notebook is its own ``xdist_group``, so that it runs once, on one worker, for all
the tests that read it."""

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
    index = target.cell
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


# The rules themselves, on small made-up notebooks (no kernel needed).

def made_up(*cells: tuple[str, str, str]) -> nbformat.NotebookNode:
    """A notebook of (kind, source, printed output) cells, as if run."""
    nb = nbformat.v4.new_notebook()
    for kind, source, printed in cells:
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cell = nbformat.v4.new_code_cell(source)
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)] if printed else []
            nb.cells.append(cell)
    return nb


def verdicts(nb: nbformat.NotebookNode) -> dict[str, str]:
    return {f.number.text: f.verdict for f in textnumbers.notebook_findings(nb, "made-up", set())}


@pytest.mark.parametrize("written, printed, right", [
    ("0.872", "0.872", True), ("0.87", "0.872", True), ("0.873", "0.872", False), ("0.8720", "0.872", False),
    ("0", "2.4e-07", False), ("0", "0.0", True), ("18 %", "18%", True), ("18 %", "0.183", True),
    ("7,330", "7330.2", True), ("7,300", "7330.2", False), ("1e-5", "8.26e-06", True), ("1e-6", "8.26e-06", False),
])
def test_a_number_matches_the_printed_one_at_its_precision(written, printed, right):
    nb = made_up(("code", "x = f()", f"result {printed}\n"), ("markdown", f"The result is {written}.", ""))
    assert verdicts(nb)[written] == (textnumbers.PRINTED if right else textnumbers.MISSING)


def test_only_what_is_printed_above_counts():
    nb = made_up(("markdown", "We will get 0.913.", ""), ("code", "x = f()", "0.913\n"))
    assert verdicts(nb)["0.913"] == textnumbers.MISSING


def test_literals_citations_and_words():
    nb = made_up(("code", "kernel = make(size=7, sigma=0.25, seed=16)", ""),
                 ("markdown", "A 7 x 7 kernel, sigma 0.25 (not 0.250), twelve of them, 16 % of them. Zhang (2019, Table 3) "
                              "reports 0.87. Cohen & Welling 2016 used 5.", ""))
    assert verdicts(nb) == {"7": "literal", "0.25": "literal", "0.250": "missing", "twelve": "missing", "16 %": "missing",
                            "2019": "citation", "3": "citation", "0.87": "citation", "2016": "citation", "5": "missing"}


def test_a_trained_networks_numbers_may_not_be_typed():
    nb = made_up(("code", "net = make()\ntrain(net)\nprint(net.accuracy)", "0.850\n"),
                 ("code", "print(score(net))", "0.913\n"),
                 ("code", "print(0.9 + 0.013)", "0.913\n"),
                 ("markdown", "Accuracy 0.850; consistency 0.913.", ""))
    assert verdicts(nb) == {"0.850": "trained", "0.913": "printed"}   # 0.913 is also printed without training


def test_printed_sentences_and_comments_of_result_cells():
    nb = made_up(("code", 'print("the accuracy is 0.85")  # about 0.85, as printed', "the accuracy is 0.85\n"))
    found = textnumbers.notebook_findings(nb, "made-up", set())
    assert [(f.where.rsplit(", ", 1)[1], f.verdict) for f in found] == [("comment", "printed"),
                                                                         ("printed text", "missing")]
