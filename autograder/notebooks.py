"""Storing notebooks cleanly: no outputs, no execution counts, stable cell ids, nbgrader
metadata kept (which ``nbdev_clean`` and ``nb-clean`` would delete)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

#: Cell metadata kept when storing a notebook; everything else (execution timings,
#: collapsed/scrolled state, ...) is dropped.
KEPT_CELL_METADATA = ("nbgrader", "tags", "deletable", "editable")

#: The notebook metadata JupyterLab writes when it opens a notebook with the course's kernel
#: (ipykernel 6.30.1 on the course's Python, 3.11.7): a notebook stored with exactly these is not
#: marked modified on opening, and saving it untouched rewrites nothing (a self-learner's
#: `git status` stays clean). JupyterLab replaces ``language_info`` with the kernel's answer
#: whenever the two differ, so a new Python version means new values here
#: (``tests/test_notebook_format.py`` compares them with the installed kernel) and `make release`.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": "3.11.7",
}

_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return ``nb`` without outputs and execution counts, with stable cell ids and the
    metadata JupyterLab writes (:data:`KERNELSPEC`, :data:`LANGUAGE_INFO`).

    A cell keeps its id when it has a valid one; otherwise nbgrader cells get their
    ``grade_id`` and other cells ``cell-<index>``, so that regenerating a notebook never
    produces random ids.
    """
    nb = nbformat.from_dict(nb)
    nb.nbformat, nb.nbformat_minor = 4, max(nb.get("nbformat_minor", 5), 5)
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cell.metadata = {k: cell.metadata[k] for k in KEPT_CELL_METADATA if k in cell.metadata}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if "attachments" in cell and not cell.attachments:
            del cell["attachments"]
        cell_id = cell.get("id", "")
        if not _ID.match(cell_id or "") or cell_id in seen:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            cell_id = grade_id if grade_id and grade_id not in seen else f"cell-{index}"
        cell.id = cell_id
        seen.add(cell_id)
    nb.metadata.pop("widgets", None)
    nb.metadata.kernelspec = nbformat.from_dict(KERNELSPEC)
    nb.metadata.language_info = nbformat.from_dict(LANGUAGE_INFO)
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    """``nb`` as text in the stored format (nbformat's one-space indent, final newline)."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write ``nb`` to ``path`` in the stored format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(nb), encoding="utf-8")


def clean_file(path: Path) -> bool:
    """Clean one stored notebook in place; return True when it changed."""
    before = path.read_text(encoding="utf-8")
    write(clean(nbformat.reads(before, as_version=4)), path)
    return path.read_text(encoding="utf-8") != before
