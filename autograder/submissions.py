"""Submissions before and after grading: cleaning them up, and reading what went wrong.

:func:`prepare` copies one student's assignment into a private folder for nbgrader and
cleans its notebooks there (the originals in ``submitted/`` are never changed):

* any nbformat version is upgraded to 4 and normalised;
* a ``grade_id`` used twice (a copied or split cell) keeps its first cell; the copies
  become ordinary cells (plain nbgrader aborts the whole batch on them);
* missing test cells are put back by nbgrader itself (``OverwriteCells.add_missing_cells``);
* an unreadable or misnamed notebook is left out, with the reason;
* nothing is followed or copied but regular files and folders (:mod:`autograder.safefiles`):
  a student or assignment folder that is a link is not graded, a notebook that is a link or
  a hard link is not graded, and any other link, FIFO, device or socket is left out, each
  with a note;
* a file that a browser would run as a page (HTML, SVG, XML, JavaScript) is left out with a
  note: formgrader serves the autograded folder's files inside the instructor's session.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import course, safefiles

#: Output types of non-test cells that the summary reports.
#: Media types that a browser runs or renders as a document (scripts, frames, links) when the file
#: is opened from a server: tornado, behind formgrader's file view, picks the type with
#: :func:`mimetypes.guess_type`, as this does.
_ACTIVE_TYPE = re.compile(r"html|xml|svg|javascript|ecmascript|x-component", re.IGNORECASE)

_INCIDENTS = {"CellTimeoutError": "a cell ran out of time", "KernelDied": "the kernel died",
              "NotRun": "cells were not run after repeated kernel deaths"}


@dataclass
class Prepared:
    notebooks: list[str] = field(default_factory=list)   # the notebooks that can be graded
    notes: list[str] = field(default_factory=list)


def clean(nb: nbformat.NotebookNode) -> list[str]:
    """Make ``grade_id``s unique in place; returns what was changed, in words."""
    seen: set[str] = set()
    notes = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        if not isinstance(meta, dict) or "grade_id" not in meta:
            continue
        grade_id = str(meta["grade_id"])
        if grade_id in seen:
            del cell.metadata["nbgrader"]
            notes.append(f"cell {index} repeated the id {grade_id!r} of an earlier cell; graded as an ordinary cell")
        seen.add(grade_id)
    return notes


def _left_out(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return name == ".ipynb_checkpoints" or name.endswith(".ipynb")


def _active(relative: str) -> bool:
    kind, _ = mimetypes.guess_type(relative, strict=False)
    return bool(kind and _ACTIVE_TYPE.search(kind))


def _read_notebook(folder: int, name: str) -> nbformat.NotebookNode:
    return nbformat.reads(safefiles.read_file(folder, name).decode("utf-8"), as_version=4)


def prepare(root: Path, student: str, assignment: str, into: Path) -> Prepared:
    """Copy ``submitted/<student>/<assignment>`` to ``into`` with its notebooks cleaned."""
    prepared = Prepared()
    try:
        with safefiles.open_folder(root / course.SUBMITTED, student, assignment) as folder:
            _prepare(root, folder, assignment, into, prepared)
    except FileNotFoundError:
        prepared.notes.append("no submission")
    except safefiles.Refused as refused:
        prepared.notes.append(f"not graded: {refused}")
    return prepared


def _prepare(root: Path, folder: int, assignment: str, into: Path, prepared: Prepared) -> None:
    active: list[str] = []

    def skip(relative: str) -> bool:
        if _left_out(relative):
            return True
        if _active(relative):
            active.append(relative)
            return True
        return False

    prepared.notes += safefiles.copy_tree(folder, into, skip=skip)
    prepared.notes += [f"left out {name}: a browser would open it as an active page (HTML, SVG, XML, script)"
                       for name in active]
    expected = [p.stem for p in course.source_notebooks(root, assignment)]
    present = sorted(name[:-len(".ipynb")] for name in safefiles.names(folder) if name.endswith(".ipynb"))
    for name in expected:
        if name not in present:
            found = ", ".join(f"{p}.ipynb" for p in present) or "no notebook"
            prepared.notes.append(f"notebook {name}.ipynb missing from the submission (found: {found}); scored 0")
            continue
        try:
            nb = _read_notebook(folder, f"{name}.ipynb")
            nbformat.validator.normalize(nb)
            for note in clean(nb):
                prepared.notes.append(f"{name}.ipynb: {note}")
            nbformat.write(nb, into / f"{name}.ipynb")
        except safefiles.Refused as refused:
            prepared.notes.append(f"notebook {name}.ipynb is {refused}: not graded, scored 0")
            continue
        except Exception as error:  # noqa: BLE001 - any unreadable file is reported, not raised
            prepared.notes.append(f"notebook {name}.ipynb cannot be read ({type(error).__name__}: {str(error)[:300]}); "
                                  "scored 0")
            continue
        prepared.notebooks.append(name)


def _first_line(output: dict) -> str:
    text = f"{output.get('ename', '')}: {output.get('evalue', '')}".strip(": ")
    return text.splitlines()[0][:200] if text else "error"


def failures(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Autograded test cell id -> the first line of its error, for the cells of an autograded
    notebook that failed."""
    found = {}
    for cell in nb.cells:
        if course.is_autograded_test(cell):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                found[course.nbgrader_meta(cell)["grade_id"]] = _first_line(errors[-1])
    return found


def incidents(nb: nbformat.NotebookNode) -> list[str]:
    """Time-outs and kernel deaths in an autograded notebook's cells, in words."""
    notes = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error" and output.get("ename") in _INCIDENTS:
                notes.append(f"cell {index}: {_INCIDENTS[output['ename']]} ({_first_line(output)})")
    return notes
