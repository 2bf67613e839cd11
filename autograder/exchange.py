"""nbgrader's exchange, made safe for what students can put in it.

The exchange's ``inbound/`` folder is writable by every student: anything may appear there, under
any name. nbgrader's own ``collect`` copies it with :func:`shutil.copytree`, which follows links
(a link to the instructor's ``solutions/`` becomes a regular file in ``submitted/``), blocks on a
FIFO, and stops the whole class at one folder name it cannot parse; its ``release_feedback`` stops
at the first feedback folder without ``submission_secret.txt``. The course's configuration
(``autograder/nbgrader_config.py``) puts these classes in place of nbgrader's, so that
``nbgrader collect``, ``nbgrader release_feedback`` and formgrader's buttons all take this path:

* :class:`SafeCollect` takes a submission only if its name parses
  (``<student>+<assignment>+<timestamp>+<random>``), names a possible student id (no ``.``, ``..``
  or hidden name) and is a real folder owned by that student, by the user collecting, or by an
  account that does not exist here; it copies nothing but regular files and folders
  (:func:`autograder.safefiles.copy_tree`: no link is followed, no FIFO opened), leaving out
  files over nbgrader's ``CourseDirectory.max_file_size`` and refusing a hand-in whose other
  files add up to more than ``max_dir_size``. Whatever it refuses is
  logged with the reason, and the other submissions are collected as usual;
* :class:`SafeReleaseFeedback` releases each notebook's feedback on its own: a feedback folder
  without ``timestamp.txt`` or ``submission_secret.txt`` (a submission put in ``submitted/`` by
  hand, not through the exchange) is skipped with a line naming it.

Only nbgrader and the standard library are imported: students' ``nbgrader list``, ``fetch`` and
``submit`` load the same configuration.
"""

from __future__ import annotations

import datetime
import fnmatch
import glob
import os
import pwd
import re
import shutil
import stat
import tempfile
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import notebook_hash, parse_utc

from autograder import safefiles

#: What ``nbgrader submit`` writes beside the notebooks, which ``release_feedback`` needs.
SECRET_FILE = "submission_secret.txt"
TIMESTAMP_FILE = "timestamp.txt"
#: A student id that can be a folder name of ``submitted/``.
_STUDENT_ID = re.compile(r"[A-Za-z0-9_@-][A-Za-z0-9_.@+-]{0,127}")


def student_id_problem(student: str) -> str | None:
    """Why ``student`` cannot be a student's folder name, or None if it can."""
    if not _STUDENT_ID.fullmatch(student):
        return "it is not a student id (letters, digits and . _ @ + - only, not starting with a dot)"
    return None


def _owner(info: os.stat_result) -> str | None:
    try:
        return pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        return None


def parse_entry(name: str) -> tuple[str, str, datetime.datetime] | str:
    """The student, assignment and stated time of the inbound entry ``name``
    (``<student>+<assignment>+<time>+<random>``), or why it is not a submission's name."""
    parts = name.rsplit("+", 3)
    if len(parts) < 3:
        return "the name is not <student>+<assignment>+<time>"
    problem = student_id_problem(parts[0])
    if problem:
        return problem
    try:
        timestamp = parse_utc(parts[2])
    except (ValueError, OverflowError, TypeError):
        return f"{parts[2]!r} is not a time"
    return parts[0], parts[1], timestamp


def entry_problem(inbound: Path, name: str, student: str, *, max_file_size: int, max_dir_size: int) -> str | None:
    """Why the entry ``inbound/name``, named for ``student``, is not to be collected (None: it
    is): not a real folder, owned by someone else, unreadable, or over ``max_dir_size`` kB
    (files over ``max_file_size`` kB, which are left out, not counted)."""
    path = inbound / name
    try:
        info = os.lstat(path)
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return f"it is {safefiles.kind(info.st_mode)}, not a folder"
    owner = _owner(info)
    if owner is not None and info.st_uid != os.getuid() and owner != student:
        return f"it is owned by the user {owner}, not by {student}"
    try:
        with safefiles.open_folder(inbound, name) as folder:
            size = safefiles.tree_size(folder, max_file_size * 1000)
    except (OSError, ValueError) as error:
        return f"cannot be read ({error})"
    if size > 1000 * max_dir_size:
        return f"{size:,} bytes, more than CourseDirectory.max_dir_size ({max_dir_size:,} kB)"
    return None


def copy_entry(inbound: Path, name: str, dest: Path, *, ignore: list[str], max_file_size: int) -> list[str]:
    """Copy the submission ``inbound/name`` to ``dest`` (replacing what is there) without
    following anything; entries that are not regular files or folders, or larger than
    ``max_file_size`` kB, are left out: one note for each. ``dest`` is replaced only once the
    copy is complete. Raises :class:`OSError` or :class:`ValueError` when it cannot be copied."""

    def skip(relative: str) -> bool:
        return any(fnmatch.fnmatch(relative.rsplit("/", 1)[-1], pattern) for pattern in ignore)

    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".collect-", dir=dest.parent))
    try:
        with safefiles.open_folder(inbound, name) as folder:
            notes = safefiles.copy_tree(folder, staging / "copy", skip=skip, limit=max_file_size * 1000)
        if dest.exists() or dest.is_symlink():
            os.replace(dest, staging / "old")
        os.replace(staging / "copy", dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return notes


class SafeCollect(ExchangeCollect):
    """nbgrader's ``collect`` that refuses, with a logged reason, whatever is not a plain
    submission, and collects the others (see the module's docstring)."""

    def _path_to_record(self, path: str) -> dict:
        filename = os.path.basename(path)
        parsed = parse_entry(filename)
        if isinstance(parsed, str):
            return self._refuse(filename, parsed)
        student, _, timestamp = parsed
        why = entry_problem(Path(os.path.dirname(path)), filename, student,
                            max_file_size=int(self.coursedir.max_file_size),
                            max_dir_size=int(self.coursedir.max_dir_size))
        if why:
            return self._refuse(filename, why)
        return {"username": student, "filename": filename, "timestamp": timestamp}

    def _refuse(self, filename: str, why: str) -> dict:
        """Log why ``inbound/filename`` is not collected; a record that :meth:`init_src` drops."""
        self.log.warning("Not collected: inbound/%s: %s", filename, why)
        return {"username": None, "filename": filename, "timestamp": datetime.datetime.min}

    def init_src(self) -> None:
        super().init_src()
        self.src_records = [r for r in self.src_records if r["username"] is not None]

    def do_copy(self, src: str, dest: str, log=None) -> None:
        """Copy the submission ``src`` to ``dest`` with :func:`copy_entry`; what is left out is
        logged with its reason. A submission that cannot be copied is logged, not raised."""
        name = os.path.basename(src)
        try:
            notes = copy_entry(Path(self.inbound_path), name, Path(dest), ignore=list(self.coursedir.ignore),
                               max_file_size=int(self.coursedir.max_file_size))
        except (OSError, ValueError) as error:
            self.log.warning("Not collected: inbound/%s: %s", name, error)
            return
        for note in notes:
            self.log.warning("inbound/%s: %s", name, note)


class SafeReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's ``release_feedback`` that skips, with a line naming it, a feedback page whose
    folder lacks ``timestamp.txt`` or ``submission_secret.txt``, and releases the others."""

    def copy_files(self) -> None:
        excluded = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        for html_file in sorted(glob.glob(os.path.join(self.src_path, "*.html"))):
            folder, page = os.path.split(html_file)
            student = os.path.basename(os.path.dirname(folder))
            notebook_id = page[:-len(".html")]
            if student in excluded:
                continue
            try:
                timestamp = read_small(os.path.join(folder, TIMESTAMP_FILE))
                secret = read_small(os.path.join(folder, SECRET_FILE))
            except (OSError, ValueError) as error:
                self.log.warning("Feedback not released for student '%s' on '%s/%s': %s (handed in without "
                                 "nbgrader's exchange? `nbgrader submit` writes it, `nbgrader collect` keeps it)",
                                 student, self.coursedir.assignment_id, notebook_id, error)
                continue
            checksum = notebook_hash(secret=secret, notebook_id=notebook_id)
            partial = os.path.join(self.dest_path, f"{checksum}-tmp.html")
            self.log.info("Releasing feedback for student '%s' on assignment '%s/%s/%s' (%s)", student,
                          self.coursedir.course_id, self.coursedir.assignment_id, notebook_id, timestamp.strip())
            shutil.copy(html_file, partial)
            shutil.move(partial, os.path.join(self.dest_path, f"{checksum}.html"))


def read_small(path: str, limit: int = 4096) -> str:
    """A short text file (a timestamp, a secret), not followed if it is a link."""
    name = os.path.basename(path)
    with safefiles.open_folder(Path(os.path.dirname(path))) as folder:
        try:
            data = safefiles.read_file(folder, name, limit=limit)
        except FileNotFoundError:
            raise FileNotFoundError(f"no {name}") from None
        except safefiles.Refused as refused:
            raise ValueError(f"{name} is {refused}") from None
    return data.decode("utf-8", errors="replace")
