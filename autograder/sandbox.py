"""Running a student's kernel in a sandbox: bubblewrap for what it can see, rlimits for what
it can use.

Threat model. The student's notebook code is untrusted. While it is graded it runs in a
Jupyter kernel started through :func:`kernel_command`:

* **Files.** `bubblewrap <https://github.com/containers/bubblewrap>`_ (Debian's
  ``bubblewrap``) gives the kernel a new mount namespace whose root is an empty tmpfs.
  Only the system folders (``/usr``, ``/etc``), the Python installation, the course's helper
  package and ``data/`` are mounted, all read-only; the one writable folder is a scratch
  copy of this student's submission. ``solutions/`` (hidden tests), ``submitted/`` (other
  students), ``autograded/``, the gradebook, the grader's test plans and the instructor's
  home are not in that namespace at all.
* **User.** Run as root (CI, grading servers), the kernel drops to an unprivileged uid of
  its own (one per parallel worker, no capabilities, ``no_new_privs``), so the process
  limit is per sandbox and nothing outside the scratch folder is writable. Run as an
  ordinary user, bubblewrap's user namespace does the same job with the instructor's uid.
* **Other processes and the network.** New PID, IPC, UTS and network namespaces: the kernel
  cannot see or signal the grader, and has no network (it talks to the grader over Unix
  sockets in its scratch folder). ``--die-with-parent`` and the PID namespace make sure
  nothing it started outlives it.
* **Resources.** ``setrlimit`` before bubblewrap starts: address space (memory), number of
  processes/threads, size of any file written, no core dumps. Wall time per cell and the
  size of the output kept are enforced by the grader (:mod:`autograder.execute`).

Not protected: CPU time shared with other workers (a busy loop only costs its own cell's
time limit); disk space in the scratch folder beyond the per-file limit; side channels.
What the student's code computes is never trusted: verdicts are computed in the grader
(:mod:`autograder.verdicts`).
"""

from __future__ import annotations

import fcntl
import os
import resource
import shutil
import sys
import sysconfig
import tempfile
from contextlib import contextmanager
from typing import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Unprivileged uids for sandboxed kernels when grading as root: worker ``slot`` gets
#: ``UID_BASE + slot``. They need no entry in /etc/passwd.
UID_BASE = 61000
#: How many slots there are; :func:`lease_slot` hands them out machine-wide.
SLOTS = 1000
LEASES = Path(tempfile.gettempdir()) / "autograder-sandbox-slots"

MIB = 2**20


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel."""

    memory_mb: int = 4096        # address space, not resident memory: NumPy + OpenCV map ~1.5 GB
    processes: int = 256         # processes and threads of the sandbox's own uid
    file_size_mb: int = 64       # the largest file the kernel may write
    open_files: int = 1024


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


def bwrap_path() -> str:
    """The bubblewrap executable, or :class:`SandboxUnavailable` with what to do."""
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed, so student code cannot be isolated. "
            "Install it (Debian/Ubuntu: sudo apt-get install bubblewrap) or grade with --no-sandbox "
            "on a machine you do not mind students' code reading."
        )
    return path


def _python_roots() -> list[Path]:
    """Folders the kernel's Python needs: the installation and the virtual environment."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        roots.add(Path(sysconfig.get_paths()[key]).resolve())
    # keep only the outermost folders
    ordered = sorted(roots, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for root in ordered:
        if not any(root.is_relative_to(k) for k in kept):
            kept.append(root)
    return kept


def bwrap_arguments(scratch: Path, workdir: Path, readonly: list[Path], uid: int | None) -> list[str]:
    """bubblewrap's arguments: the filesystem view and namespaces described in the module
    docstring. ``scratch`` is mounted read-write at the same path (the kernel's sockets and
    connection file live there), ``readonly`` folders read-only at their own paths."""
    args = [
        bwrap_path(),
        "--die-with-parent", "--new-session",
        "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try",
        "--hostname", "sandbox",
        "--tmpfs", "/",
        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
    ]
    if uid is None:  # not root: an unprivileged user namespace does the uid part
        args[1:1] = ["--unshare-user"]
    for system in ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.lexists(system):
            if os.path.islink(system):
                args += ["--symlink", os.readlink(system), system]
            else:
                args += ["--ro-bind", system, system]
    mounts = [*_python_roots(), *readonly, scratch]
    # the folders above each mount point, readable by anyone (bubblewrap would copy the modes
    # of the originals, and /root is usually 0700)
    parents = sorted({str(p) for path in mounts for p in path.parents if str(p) != "/"} - {"/tmp"},
                     key=lambda p: p.count("/"))
    for parent in parents:
        args += ["--perms", "0755", "--dir", parent]
    for path in mounts[:-1]:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(scratch), str(scratch), "--chdir", str(workdir),
             "--setenv", "HOME", str(scratch / "home"),
             # ipykernel would watch for this pid, which does not exist in the new PID namespace;
             # --die-with-parent does that job
             "--unsetenv", "JPY_PARENT_PID"]
    return args


def kernel_command(
    python_argv: list[str], scratch: Path, workdir: Path, readonly: list[Path], limits: Limits, slot: int = 0
) -> list[str]:
    """The command that starts ``python_argv`` (a kernel) in the sandbox: this module as a
    launcher that applies ``limits`` and then replaces itself with bubblewrap."""
    uid = UID_BASE + slot if os.geteuid() == 0 else None
    inner = list(python_argv)
    if uid is not None:
        inner = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
                 "--inh-caps=-all", "--bounding-set=-all", "--", *inner]
    outer = bwrap_arguments(scratch, workdir, readonly, uid)
    return [sys.executable, "-m", "autograder.sandbox", str(limits.memory_mb), str(limits.processes),
            str(limits.file_size_mb), str(limits.open_files), "--", *outer, "--", *inner]


@contextmanager
def lease_slot() -> Iterator[int]:
    """A slot (and so a uid, and its process limit) that no other grading job on this machine
    holds while the ``with`` block runs, even one of another grading run."""
    LEASES.mkdir(mode=0o755, exist_ok=True)
    for slot in range(SLOTS):
        handle = open(LEASES / f"{slot}.lock", "a")  # noqa: SIM115 - held for the block
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield slot
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    raise SandboxUnavailable(f"all {SLOTS} sandbox slots are in use")


def prepare_scratch(scratch: Path, slot: int = 0) -> None:
    """Hand ``scratch`` (and everything in it) to the sandbox's uid when grading as root."""
    if os.geteuid() != 0:
        return
    uid = UID_BASE + slot
    for folder, dirs, files in os.walk(scratch):
        os.chown(folder, uid, uid)
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def apply_limits(limits: Limits) -> None:
    """Apply ``limits`` to this process (inherited by everything it executes)."""
    for which, value in (
        (resource.RLIMIT_AS, limits.memory_mb * MIB),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_FSIZE, limits.file_size_mb * MIB),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(which, (value, value))


def main(argv: list[str]) -> None:
    """``python -m autograder.sandbox MEMORY_MB PROCESSES FILE_MB OPEN_FILES -- BWRAP... -- KERNEL...``"""
    memory, processes, file_size, open_files, separator, *command = argv
    if separator != "--":
        raise SystemExit(__doc__)
    # bubblewrap must still be able to start as root, so RLIMIT_NPROC only bites after setpriv
    apply_limits(Limits(int(memory), int(processes), int(file_size), int(open_files)))
    os.execve(command[0], command, without_secrets(os.environ))


#: Prefix of the grader's secrets in the environment ($AUTOGRADER_DB_URL, $AUTOGRADER_BROKER...).
SECRET_PREFIX = "AUTOGRADER_"


def without_secrets(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without the grader's secrets (every ``AUTOGRADER_*`` variable): what a
    sandboxed kernel may inherit. The kernel's environment is built from scratch anyway
    (:func:`autograder.kernel.kernel_environment`); this keeps it so if that ever changes."""
    return {key: value for key, value in environ.items() if not key.startswith(SECRET_PREFIX)}


if __name__ == "__main__":
    main(sys.argv[1:])
