"""A course folder laid out as nbgrader expects, with this course's folder names."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from traitlets.config import Config

from autograder import runner

SOURCE = "solutions"
RELEASE = "notebooks"
SUBMITTED = "submitted"
REPORTS = "reports"


@dataclass(frozen=True)
class TestCell:
    """One autograded test cell of a source notebook."""

    assignment: str
    notebook: str
    cell: str
    max_score: float


def assignments(root: Path) -> list[str]:
    """The assignment ids: the folders of ``solutions/`` that hold notebooks, sorted."""
    return sorted(p.name for p in (root / SOURCE).iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def source_notebooks(root: Path, assignment: str) -> list[Path]:
    """The source notebooks of one assignment, sorted by name."""
    return sorted((root / SOURCE / assignment).glob("*.ipynb"))


def nbgrader_meta(cell: nbformat.NotebookNode) -> dict:
    """The cell's nbgrader metadata (empty for cells nbgrader does not track)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def is_autograded_test(cell: nbformat.NotebookNode) -> bool:
    """True for a code cell that nbgrader grades by running it (not a solution cell)."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution", False)


def test_cells(root: Path, assignment: str) -> list[TestCell]:
    """Every autograded test cell of an assignment, in notebook order."""
    cells = []
    for path in source_notebooks(root, assignment):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if is_autograded_test(cell):
                meta = nbgrader_meta(cell)
                cells.append(TestCell(assignment, path.stem, meta["grade_id"], float(meta["points"])))
    return cells


#: Set for every nbgrader process (and the fork server they come from, which reads them when it
#: imports NumPy and Matplotlib): figures drawn off-screen, and one BLAS thread per process,
#: because parallel jobs share the cores and a fork server must stay single-threaded.
NBGRADER_SETTINGS = {"MPLBACKEND": "agg", "OPENBLAS_NUM_THREADS": "1"}


def nbgrader_env() -> dict[str, str]:
    """The environment for nbgrader subprocesses: this interpreter's ``bin`` first on PATH,
    because nbgrader runs ``alembic`` as a command when it creates a gradebook."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_nbgrader(root: Path, *args: str, timeout: float | None = None,
                 memory: int | None = None) -> runner.Finished:
    """Run ``nbgrader ARGS`` in the course folder ``root``, in a process of its own forked
    from the pre-loaded server (:mod:`autograder.runner`), and return how it ended.
    ``timeout`` (seconds) and ``memory`` (bytes of address space) limit that process."""
    (done,) = run_nbgrader_many(root, [list(args)], jobs=1, timeout=timeout, memory=memory)
    return done


def run_nbgrader_many(root: Path, commands: list[list[str]], *, jobs: int, timeout: float | None = None,
                      memory: int | None = None) -> list[runner.Finished]:
    """:func:`run_nbgrader` for several commands, at most ``jobs`` at a time; how each ended,
    in order (see :func:`autograder.runner.run_many`)."""
    env = dict(nbgrader_env(), **NBGRADER_SETTINGS)
    with tempfile.TemporaryDirectory(prefix="nbgrader-") as tmp:
        return runner.run_many(commands, cwd=root, env=env, folder=Path(tmp), jobs=jobs, timeout=timeout,
                               memory=memory)


def config(root: Path) -> Config:
    """The course's nbgrader configuration, as nbgrader loads it from ``root/nbgrader_config.py``
    (and the files that one loads); empty when the course has none."""
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    try:
        return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    except ConfigFileNotFound:
        return Config()


#: The environment variables that hold secrets: the gradebook's URL and the workers' broker URL.
#: Never on a command line (other users see it) nor in a tracked file; never in a student's kernel.
DB_URL_ENV = "AUTOGRADER_DB_URL"
BROKER_ENV = "AUTOGRADER_BROKER"


def db_url(root: Path, override: str | None = None) -> str:
    """The gradebook's URL: ``override`` (a ``--db URL`` option) if given, else
    ``$AUTOGRADER_DB_URL``, else ``c.CourseDirectory.db_url`` of the course's nbgrader
    configuration (which the course's own reads from ``nbgrader_config.local.py``), else the
    sqlite ``gradebook.db`` in ``root``, waiting up to a minute for a lock (nbgrader's default is
    5 s, too short with parallel workers)."""
    if override:
        return override
    if os.environ.get(DB_URL_ENV):
        return os.environ[DB_URL_ENV]
    configured = config(root).get("CourseDirectory", {}).get("db_url")
    if configured:
        return str(configured)
    return f"sqlite:///{root.resolve() / 'gradebook.db'}?timeout=60"
