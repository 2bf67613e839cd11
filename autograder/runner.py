"""Running one ``nbgrader`` command in a process of its own, without paying nbgrader's start-up.

Every grading job is still a separate process, so its memory limit, a crash or a time-out
concern that job only. But it is forked from a :mod:`multiprocessing` fork server that imported
nbgrader and the test cells' libraries once (:mod:`autograder.preload`), instead of starting a
new interpreter that imports them again (about 5 s of CPU per job). The fork server is a
single-threaded process started on first use; it never runs a student's code or an nbgrader
command (it only imports, and opens a throwaway gradebook to warm up SQLAlchemy).
It listens on a Unix socket in a private temporary folder (mode 0700, Python >= 3.11.1), which
the sandboxed kernels cannot see.

A command that runs nbgrader on nobody's code from a single thread (``release``, ``feedback``,
``export``) calls :func:`fork_from_this_process`: its nbgrader commands are forked from the
command's own process, which has imported nbgrader already, without starting a fork server.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import resource
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Where each nbgrader process appends a line with the CPU seconds (user + system) it, its
#: waited-for children and the students' kernels it ran (:data:`autograder.kernel.stopped_kernels_cpu`)
#: used, and its arguments, when this variable names a file: how benchmarks measure the CPU of
#: each graded notebook.
CPU_LOG = "AUTOGRADER_CPU_LOG"

_SERVER = multiprocessing.get_context("forkserver")
_SERVER.set_forkserver_preload(["autograder.preload"])


_fork_here = False


def fork_from_this_process() -> None:
    """For a command that runs nbgrader on no student's code (release, feedback, export): fork
    its nbgrader processes from this one, which has imported nbgrader already, instead of from
    a fork server that would import it again (about 2 s of CPU per command). Only while this
    process has a single thread (forking a threaded process is unsafe); otherwise, and for
    grading, the fork server is used."""
    global _fork_here
    from nbgrader.apps.nbgraderapp import NbGraderApp  # noqa: F401 - imported once, before forking

    _fork_here = True


def _single_threaded() -> bool:
    """True when this process has one thread (native ones included, e.g. a BLAS pool's)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return threading.active_count() == 1


def _context() -> multiprocessing.context.BaseContext:
    if _fork_here and _single_threaded():
        return multiprocessing.get_context("fork")
    return _SERVER


@dataclass(frozen=True)
class Finished:
    """How an nbgrader command ended: its exit code (``None`` if it was stopped for taking too
    long) and everything it printed."""

    returncode: int | None
    output: str


def _nbgrader_main(args: list[str], cwd: str, env: dict[str, str], log: str, memory: int | None) -> None:
    """Body of the forked process: become ``nbgrader ARGS`` run in ``cwd`` with ``env``."""
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    if memory is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    sys.argv = ["nbgrader", *args]
    code = 0
    try:
        from nbgrader.apps.nbgraderapp import NbGraderApp

        NbGraderApp.launch_instance(argv=args)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - report it like the interpreter would, then exit 1
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    if env.get(CPU_LOG):
        _log_cpu(env[CPU_LOG], args)
    os._exit(code)


def _log_cpu(path: str, args: list[str]) -> None:
    """Append ``args`` and the CPU seconds of this process and its waited-for children to
    ``path`` (one write of one line, so lines of parallel processes do not mix)."""
    used = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))
    used += getattr(sys.modules.get("autograder.kernel"), "stopped_kernels_cpu", 0.0)   # killed, not waited for
    line = "\t".join([f"{used:.3f}", *(arg.replace("\t", " ").replace("\n", " ") for arg in args)]) + "\n"
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(handle, line.encode("utf-8", "replace"))
        finally:
            os.close(handle)
    except OSError:
        pass


def _start(args: list[str], cwd: Path, env: dict[str, str], log: Path,
           memory: int | None) -> multiprocessing.process.BaseProcess:
    sys.stdout.flush()   # a forked child would write what is still buffered to its log
    sys.stderr.flush()
    process = _context().Process(target=_nbgrader_main, args=(list(args), str(cwd), dict(env), str(log), memory),
                                 name="nbgrader " + " ".join(args[:2]))
    process.start()
    return process


def _finish(process: multiprocessing.process.BaseProcess, log: Path) -> Finished:
    """Kill ``process`` if it still runs (returncode None), collect it, read its output."""
    if process.is_alive():
        process.kill()
        process.join()
        returncode = None
    else:
        process.join()
        returncode = process.exitcode
    process.close()
    output = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    return Finished(returncode, output)


def run_nbgrader(args: list[str], *, cwd: Path, env: dict[str, str], log: Path, timeout: float | None,
                 memory: int | None = None) -> Finished:
    """Run ``nbgrader ARGS`` in a process forked from the pre-loaded fork server (or from this
    process, see :func:`fork_from_this_process`).

    Its standard output and error go to ``log`` (returned as ``output``). ``memory`` limits its
    address space; after ``timeout`` seconds (``None``: no limit) it is killed (and the kernels
    it started die with it) and ``returncode`` is ``None``. Safe to call from several threads.
    """
    process = _start(args, cwd, env, log, memory)
    process.join(timeout)
    return _finish(process, log)


def run_many(commands: Sequence[list[str]], *, cwd: Path, env: dict[str, str], folder: Path, jobs: int,
             timeout: float | None = None, memory: int | None = None) -> list[Finished]:
    """Run several nbgrader commands as :func:`run_nbgrader` runs one, at most ``jobs`` at a
    time, from this thread alone (so a single-threaded command still forks them from its own
    process); their output goes to files in ``folder``. Returns how each ended, in order."""
    pending = list(enumerate(commands))
    running: dict[object, tuple[int, multiprocessing.process.BaseProcess, float]] = {}
    finished: dict[int, Finished] = {}
    try:
        while pending or running:
            while pending and len(running) < max(jobs, 1):
                index, args = pending.pop(0)
                process = _start(args, cwd, env, folder / f"{index}.log", memory)
                running[process.sentinel] = (index, process, time.monotonic())
            first_deadline = None if timeout is None else min(started for *_, started in running.values()) + timeout
            multiprocessing.connection.wait(list(running), None if first_deadline is None
                                            else max(first_deadline - time.monotonic(), 0.0))
            for sentinel, (index, process, started) in list(running.items()):
                if process.exitcode is not None or (timeout is not None and time.monotonic() - started >= timeout):
                    del running[sentinel]
                    finished[index] = _finish(process, folder / f"{index}.log")
    finally:   # stopped by an error or Ctrl-C: no command is left running
        for index, process, _ in running.values():
            _finish(process, folder / f"{index}.log")
    return [finished[index] for index in range(len(commands))]
