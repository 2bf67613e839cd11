"""Reading a student's submission without following links.

A submission arrives as the student made it: a git checkout, a tar archive or a shared home
folder keeps symbolic links, hard links, FIFOs and device files. Nothing here ever follows a
link or opens anything but a regular file or a directory:

* every path component below a trusted folder is opened with ``O_NOFOLLOW`` relative to its
  parent's file descriptor (``dir_fd``), so a folder swapped for a link between a check and
  its use is refused, not followed;
* a file is opened with ``O_NOFOLLOW | O_NONBLOCK`` (a FIFO does not block the grader) and
  checked with ``fstat`` on that same descriptor: it is read only if it is a regular file;
* a file whose inode has more than one name (``st_nlink > 1``, a hard link) is refused,
  since its other name may be a file the student may not read (the solutions).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class Refused(ValueError):
    """A path of a submission that is not a plain file or folder (the message says what it is)."""


def kind(mode: int) -> str:
    """What a file is, in words, from its ``st_mode``."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "a folder" if stat.S_ISDIR(mode) else "a regular file" if stat.S_ISREG(mode) else "a special file"


def _describe(name: str, dir_fd: int) -> str:
    try:
        return kind(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError as error:
        return f"unreadable ({error.strerror})"


@contextmanager
def open_folder(base: Path, *parts: str) -> Iterator[int]:
    """A descriptor of the folder ``base/parts...``, where ``base`` is trusted and each of
    ``parts`` must be a real folder (not a link). Raises :class:`Refused` otherwise."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for index, part in enumerate(parts):
            if part in ("", ".", "..") or "/" in part:
                raise ValueError(f"{part!r} is not the name of a folder")
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as error:
                where = "/".join((base.name, *parts[:index + 1]))
                if error.errno == errno.ENOENT:
                    raise FileNotFoundError(errno.ENOENT, "no such folder", where) from None
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise Refused(f"{where} is {_describe(part, fd)}, not a folder") from None
                raise
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _size(count: int) -> str:
    return f"{count // 2**20} MiB" if count >= 2**20 else f"{count:,} bytes"


def read_file(dir_fd: int, name: str, *, limit: int = 256 * 2**20) -> bytes:
    """The bytes of the regular file ``name`` in the folder ``dir_fd``, read without
    following a link; refuses links, special files, hard-linked files and files over
    ``limit`` bytes."""
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Refused("a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(kind(info.st_mode))
        if info.st_nlink > 1:
            raise Refused(f"a hard link (one of {info.st_nlink} names of the same file)")
        if info.st_size > limit:
            raise Refused(f"larger than {_size(limit)}")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def names(dir_fd: int) -> list[str]:
    """The entries of the folder ``dir_fd``, sorted."""
    return sorted(os.listdir(dir_fd))


def is_plain_folder(path: Path) -> bool:
    """True if ``path`` itself is a folder, not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def tree_size(dir_fd: int, limit: int | None = None) -> int:
    """The bytes of the regular files under ``dir_fd`` (those of at most ``limit`` bytes, when
    given: :func:`copy_tree` leaves larger ones out), links and special files not followed."""
    total = 0
    for name in names(dir_fd):
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISREG(info.st_mode):
            total += info.st_size if limit is None or info.st_size <= limit else 0
        elif stat.S_ISDIR(info.st_mode):
            child = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
            try:
                total += tree_size(child, limit)
            finally:
                os.close(child)
    return total


def copy_tree(dir_fd: int, into: Path, *, skip: Callable[[str], bool] = lambda relative: False,
              prefix: str = "", limit: int = 256 * 2**20) -> list[str]:
    """Copy the regular files and folders under ``dir_fd`` to ``into`` (created; folders
    0755, files 0644), never following a link. ``skip(relative_path)`` leaves an entry out silently. Returns a note
    for each entry left out for what it is (link, hard link, FIFO, device, socket, a file over
    ``limit`` bytes)."""
    notes: list[str] = []
    into.mkdir(parents=True, exist_ok=True)
    os.chmod(into, 0o755)   # readable by the sandbox's uid, whatever the umask
    for name in names(dir_fd):
        relative = f"{prefix}{name}"
        if skip(relative):
            continue
        try:
            mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                child = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
                try:
                    notes += copy_tree(child, into / name, skip=skip, prefix=f"{relative}/", limit=limit)
                finally:
                    os.close(child)
                continue
            if not stat.S_ISREG(mode):
                raise Refused(kind(mode))
            data = read_file(dir_fd, name, limit=limit)
        except Refused as refused:
            notes.append(f"left out {relative}: {refused}")
            continue
        except OSError as error:
            notes.append(f"left out {relative}: {error.strerror or error}")
            continue
        out = os.open(into / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        os.fchmod(out, 0o644)
        with os.fdopen(out, "wb") as handle:
            handle.write(data)
    return notes
