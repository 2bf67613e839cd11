"""nbgrader's execution step, replaced: the student's code in a sandboxed kernel, the
verdicts in the grader.

:class:`SandboxedExecute` takes the place of ``nbgrader.preprocessors.Execute`` in
``Autograde.autograde_preprocessors`` (see ``nbgrader_config.py``), so ``nbgrader autograde``
and formgrader's autograde button both use it. For each notebook it

* copies the student's files into a scratch folder and starts a kernel in the sandbox
  (:mod:`autograder.sandbox`): wall time per cell, memory, processes, file size, output;
* runs every code cell that is not an autograded test cell, in order, in that kernel, except
  the course's display-only cells that :mod:`autograder.cellplan` proves grading does not need
  (each says so in its output: "not run during grading: display only");
* judges every autograded test cell in the grader (:mod:`autograder.verdicts`) and writes
  the verdict as the cell's output: an error output when a check failed, which is what
  nbgrader's ``SaveAutoGrades`` scores as zero;
* when the kernel dies (``os._exit``, memory, a crash), marks that cell, starts a new
  kernel, runs again the cells that had run before, and goes on.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer, Unicode

from autograder import cellplan, safefiles, sandbox, verdicts
from autograder.kernel import CallTimeout, KernelDied, StudentKernel

SOURCE_FOLDER = "solutions"


def _error(name: str, message: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


def _not_copied(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return name.endswith(".ipynb") or name == ".ipynb_checkpoints"


def _is_test(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def display_cells(source: Path) -> dict[str, str]:
    """The source notebook's display-only cells: grade_id -> source, for the read-only nbgrader
    cells tagged :data:`cellplan.DISPLAY_TAG`."""
    cells = {}
    for cell in nbformat.read(source, as_version=4).cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and cellplan.DISPLAY_TAG in cell.get("metadata", {}).get("tags", []) \
                and meta.get("locked") and not meta.get("grade") and not meta.get("solution") and meta.get("grade_id"):
            cells[meta["grade_id"]] = cell.source
    return cells


class SandboxedExecute(NbGraderPreprocessor):
    """Execute a submission in a sandboxed kernel; judge its test cells in the grader."""

    timeout = Integer(120, help="Wall-clock seconds per cell (a test cell: all its calls together).").tag(config=True)
    call_timeout = Integer(60, help="Wall-clock seconds per call of a student's function from a test cell (a "
                                    "test cell has `timeout` seconds for all its calls).").tag(config=True)
    memory_limit_mb = Integer(sandbox.Limits.memory_mb, help="Address space of the kernel, MiB.").tag(config=True)
    max_processes = Integer(sandbox.Limits.processes, help="Processes and threads of the kernel.").tag(config=True)
    max_file_size_mb = Integer(sandbox.Limits.file_size_mb, help="Largest file the kernel may write, MiB.").tag(config=True)
    max_output_chars = Integer(100_000, help="Output kept per cell (characters of JSON).").tag(config=True)
    max_kernel_deaths = Integer(3, help="Kernel deaths per notebook before the rest is not run.").tag(config=True)
    isolate = Bool(True, help="Run the kernel in the bubblewrap sandbox.").tag(config=True)
    judge_outside = Bool(True, help="Judge test cells in the grader (False: run them in the kernel, "
                                    "as plain nbgrader does).").tag(config=True)
    slot = Integer(0, help="Parallel worker number (selects the sandbox's uid).").tag(config=True)
    skip_display_cells = Bool(True, help="Skip the display-only cells (tagged in the source notebook) that "
                                         "autograder.cellplan proves grading does not need.").tag(config=True)
    scratch_root = Unicode("", help="Where scratch folders are made (default: the system's temp folder).").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        assignment = resources.get("nbgrader", {}).get("assignment", folder.name)
        name = resources.get("nbgrader", {}).get("notebook") or resources.get("metadata", {}).get("name", "")
        source = Path.cwd() / SOURCE_FOLDER / assignment / f"{name}.ipynb"
        context, functions = verdicts.grading_context(source) if self.judge_outside and source.is_file() else ({}, [])
        display = display_cells(source) if self.skip_display_cells and source.is_file() else {}
        if not functions and source.is_file():
            functions = verdicts.graded_functions(nbformat.read(source, as_version=4))

        scratch = Path(tempfile.mkdtemp(prefix="autograder-", dir=self.scratch_root or None))
        os.chmod(scratch, 0o755)
        workdir = scratch / "work"
        with safefiles.open_folder(folder) as files:   # regular files only, never a link
            for note in safefiles.copy_tree(files, workdir, skip=_not_copied):
                self.log.warning("%s", note)
        import coursekit
        import coursekit.data

        kernel = StudentKernel(
            scratch, workdir, [Path(coursekit.__file__).resolve().parent, coursekit.data.DATA_DIR.resolve()],
            coursekit.data.DATA_DIR.resolve(),
            sandbox.Limits(self.memory_limit_mb, self.max_processes, self.max_file_size_mb),
            slot=self.slot, isolate=self.isolate, max_output_chars=self.max_output_chars,
        )
        try:
            kernel.start()
            self._run(nb, kernel, context, functions, self._plan(nb, display, functions))
        finally:
            kernel.stop()
            shutil.rmtree(scratch, ignore_errors=True)
        return nb, resources

    def _plan(self, nb: NotebookNode, display: dict[str, str], functions: list[str]) -> list[bool]:
        """Whether each code cell runs: False only for a display-only cell of the source notebook
        (same grade_id, still locked, same source as there) that :func:`cellplan.plan` skips."""
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        if not display:
            return [True] * len(code)
        cells = []
        for cell in code:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            marked = (meta.get("locked") and not meta.get("grade") and not meta.get("solution")
                      and display.get(meta.get("grade_id", "")) == cell.source)
            if _is_test(cell):   # its calls reach the graded functions by name
                source = "" if self.judge_outside else cell.source
                cells.append(cellplan.PlanCell(source, extra_reads=frozenset(functions)))
            else:
                cells.append(cellplan.PlanCell(cell.source, skippable=bool(marked)))
        try:
            decided = cellplan.plan(cells)
        except (RecursionError, MemoryError, ValueError, TypeError, AttributeError) as error:
            # code the analysis cannot take apart (e.g. nested thousands deep): run every cell
            self.log.warning("every cell runs: the cell planner failed (%s: %s)", type(error).__name__, error)
            return [True] * len(code)
        for index, reason in decided.reasons.items():
            self.log.debug("display cell %d runs: %s", index, reason)
        return decided.run

    def _run(self, nb: NotebookNode, kernel: StudentKernel, context: dict, functions: list[str],
             plan: list[bool]) -> None:
        ran: list[NotebookNode] = []      # cells to run again after a kernel death
        deaths = 0
        code = iter(plan)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            cell.execution_count = None
            if not next(code):
                cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=cellplan.SKIP_NOTE + "\n"))
                continue
            if deaths > self.max_kernel_deaths:
                cell.outputs.append(_error("NotRun", "not run: the kernel died too many times in this notebook"))
                continue
            died = False
            if _is_test(cell) and self.judge_outside:
                try:
                    verdict = verdicts.judge(cell.source, context, functions, kernel,
                                             timeout=self.timeout, call_timeout=self.call_timeout)
                except CallTimeout as error:
                    cell.outputs.append(_error("CellTimeoutError", str(error)))
                    died = not kernel.alive()
                except KernelDied as error:
                    cell.outputs.append(_error("KernelDied", f"{error}: the process was killed (memory limit, "
                                                             "os._exit, a crash). Later cells run in a new kernel."))
                    died = True
                else:
                    if verdict.stdout:
                        cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=verdict.stdout))
                    if not verdict.passed:
                        name, _, message = verdict.error.partition(": ")
                        cell.outputs.append(_error(name, message))
            else:
                done = kernel.execute(cell.source, self.timeout)
                cell.outputs = done.outputs
                cell.execution_count = done.execution_count
                if done.truncated:
                    cell.outputs.append(nbformat.v4.new_output(
                        "stream", name="stdout", text=f"\n[output truncated at {self.max_output_chars} characters]\n"))
                if done.status == "timeout":
                    cell.outputs.append(_error("CellTimeoutError", f"the cell ran longer than {self.timeout} s and was "
                                                                   "interrupted"))
                elif done.status == "died":
                    cell.outputs.append(_error("KernelDied", "the kernel died while running this cell (memory limit, "
                                                             "os._exit, a crash, or it ignored an interrupt). Later "
                                                             "cells run in a new kernel."))
                    died = True
                else:
                    ran.append(cell)
            if died:
                deaths += 1
                if deaths <= self.max_kernel_deaths:
                    self._replay(kernel, ran)

    def _replay(self, kernel: StudentKernel, cells: list[NotebookNode]) -> None:
        """A new kernel with the state the old one had: run again the cells that had run."""
        self.log.warning("the kernel died; restarting it and running %d earlier cells again", len(cells))
        kernel.restart()
        started = time.monotonic()
        for cell in cells:
            done = kernel.execute(cell.source, self.timeout, keep_outputs=False)
            if done.status == "died" or time.monotonic() - started > 10 * self.timeout:
                kernel.restart()
                return
