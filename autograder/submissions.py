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

_INCIDENTS = {"CellTimeoutError": "ran out of time", "KernelDied": "the kernel died in it",
              "NotRun": "not run after repeated kernel deaths"}
#: A test cell's error when a graded function does not exist in the student's kernel.
_UNDEFINED = re.compile(r"name '(\w+)' is not defined")
#: The temporary file name IPython gives a cell's code in a SyntaxError ("(3024340.py, line 2)").
_CELL_FILE = re.compile(r"\(\d+\.py, (line \d+)\)")


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
    return _CELL_FILE.sub(r"(\1)", text.splitlines()[0][:200]) if text else "error"


def _errors(cell: nbformat.NotebookNode) -> list[dict]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"] if cell.cell_type == "code" else []


def cell_name(nb: nbformat.NotebookNode, index: int) -> str:
    """How the summary names the cell ``nb.cells[index]``: its ``grade_id`` and its position
    among the notebook's code cells (1 for the first), or the position alone."""
    position = sum(1 for cell in nb.cells[:index + 1] if cell.cell_type == "code")
    grade_id = course.nbgrader_meta(nb.cells[index]).get("grade_id")
    return f"cell {grade_id!r} (code cell {position})" if grade_id else f"code cell {position}"


def _cause(nb: nbformat.NotebookNode, index: int, function: str) -> str | None:
    """Why ``function`` does not exist for the test cell ``nb.cells[index]``: the error of the
    last cell before it that defines the function, or that no cell defines it (None when the
    defining cell ran without an error)."""
    defines = re.compile(rf"^[ \t]*(async[ \t]+)?def[ \t]+{re.escape(function)}[ \t]*\(", re.MULTILINE)
    for before in range(index - 1, -1, -1):
        cell = nb.cells[before]
        if cell.cell_type == "code" and not course.is_autograded_test(cell) and defines.search(cell.source):
            errors = _errors(cell)
            if not errors:
                return None
            return f"{function}() is not defined: {cell_name(nb, before)} raised {_first_line(errors[0])}"
    return f"{function}() is not defined: no cell before the test defines it"


def failures(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Autograded test cell id -> why it failed, for the cells of an autograded notebook that
    failed: the first line of its error, or, when a graded function does not exist, the error
    of the cell that should have defined it (a ``SyntaxError`` there, say), so that every test
    cell failed by the same cause says the same thing."""
    found = {}
    for index, cell in enumerate(nb.cells):
        if course.is_autograded_test(cell):
            errors = _errors(cell)
            if errors:
                why = None
                undefined = _UNDEFINED.match(str(errors[-1].get("evalue", "")))
                if errors[-1].get("ename") == "NameError" and undefined:
                    why = _cause(nb, index, undefined.group(1))
                found[course.nbgrader_meta(cell)["grade_id"]] = why or _first_line(errors[-1])
    return found


def incidents(nb: nbformat.NotebookNode) -> list[str]:
    """Time-outs and kernel deaths in an autograded notebook's cells, in words, each cell named by
    :func:`cell_name`; a test cell's are left to :func:`failures`, which gives its error."""
    notes, not_run = [], []
    for index, cell in enumerate(nb.cells):
        if course.is_autograded_test(cell):
            continue
        for output in _errors(cell):
            if output.get("ename") == "NotRun":
                not_run.append(cell_name(nb, index))
            elif output.get("ename") in _INCIDENTS:
                notes.append(f"{cell_name(nb, index)}: {_INCIDENTS[output['ename']]} ({_first_line(output)})")
    if not_run:   # one line for all of them
        notes.append(f"{', '.join(not_run)}: {_INCIDENTS['NotRun']}")
    return notes
