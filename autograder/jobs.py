"""One grading job: one student's submission of one assignment, graded on its own.

* :func:`make_job` reads and cleans ``submitted/<student>/<assignment>`` into a :class:`Job`:
  the files' contents, the submission's timestamp and what cleaning found;
* :func:`grade_job` grades a job in a private, temporary course with a throwaway sqlite
  gradebook (it needs the course's ``solutions/``, release and configuration, but neither the
  submissions nor the real gradebook) and returns a :class:`Result`: the autograded notebooks,
  the scores, the failures and the reasons;
* :func:`record` writes a result to the course: the real gradebook (what nbgrader's
  ``SaveAutoGrades`` and ``AssignLatePenalties`` write) and ``autograded/<student>/<assignment>/``.

Jobs and results are plain data that travel as JSON (:meth:`Job.to_json`,
:meth:`Result.from_json`), so a job can be graded in this process, in a thread, or on another
machine (a Celery worker) with the same outcome.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
import threading
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbgrader import __version__ as nbgrader_version
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning

from autograder import course, late, release, submissions
# nbgrader's files beside a submission's notebooks: its time, and the secret by which
# ``release_feedback`` names each released page (the student's ``fetch_feedback`` hashes it again)
from autograder.exchange import SECRET_FILE, TIMESTAMP_FILE

#: Wall-clock limit for grading one student's assignment (all its notebooks).
SUBMISSION_TIMEOUT = 1800.0
#: Address-space limit of the grader process of one job (not the sandboxed kernel's).
GRADER_MEMORY = 8 * 2**30
#: Where :func:`record` keeps what the gradebook has no place for (reasons, failures).
NOTES = "notes"


@dataclass
class Job:
    """One student's submission of one assignment, ready to grade anywhere."""

    student: str
    assignment: str
    files: dict[str, bytes] = field(default_factory=dict)   # path in the submission folder -> content
    timestamp: str | None = None                             # ISO 8601 (nbgrader's timestamp.txt), or None
    notes: list[str] = field(default_factory=list)           # what cleaning the submission found

    def to_json(self) -> str:
        data = asdict(self)
        data["files"] = {path: base64.b64encode(content).decode("ascii") for path, content in self.files.items()}
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> Job:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a job is a JSON object")
        data["files"] = {str(path): base64.b64decode(content) for path, content in data.get("files", {}).items()}
        return cls(**data)

    @property
    def secret(self) -> str | None:
        """The submission's ``submission_secret.txt`` (None without one, or when it is too long)."""
        content = self.files.get(SECRET_FILE)
        if content is None or len(content) > 4096:
            return None
        return content.decode("utf-8", errors="replace")

    @property
    def notebooks(self) -> list[str]:
        """The names (without ``.ipynb``) of the notebooks that can be graded."""
        return sorted(Path(p).stem for p in self.files if p.endswith(".ipynb") and "/" not in p)


@dataclass
class Result:
    """What grading one job produced: all that the gradebook and the reports need."""

    student: str
    assignment: str
    notebooks: dict[str, str] = field(default_factory=dict)            # notebook -> autograded notebook (JSON)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # notebook -> grade_id -> auto score
    failures: dict[str, dict[str, str]] = field(default_factory=dict)  # notebook -> grade_id -> first error line
    reasons: list[str] = field(default_factory=list)                   # what went wrong or was repaired
    timestamp: str | None = None                                       # the submission's, as in the job
    secret: str | None = None                                          # its submission_secret.txt, if any

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> Result:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a result is a JSON object")
        return cls(**data)


# --- preparing ---------------------------------------------------------------------------------

def read_timestamp(folder: Path) -> str | None:
    """The time in ``folder/timestamp.txt`` as ISO 8601 UTC, or None (no file, unreadable)."""
    path = folder / TIMESTAMP_FILE
    if path.is_symlink() or not path.is_file():
        return None
    try:
        return parse_utc(path.read_text(encoding="utf-8").strip()).isoformat()
    except (ValueError, OverflowError, UnicodeDecodeError):
        return None


def make_job(root: Path, student: str, assignment: str) -> Job:
    """Read and clean ``submitted/<student>/<assignment>`` (see :func:`submissions.prepare`)."""
    job = Job(student, assignment)
    folder = root / course.SUBMITTED / student / assignment
    job.timestamp = read_timestamp(folder)
    with tempfile.TemporaryDirectory(prefix="autograder-prepare-") as tmp:
        into = Path(tmp) / assignment
        prepared = submissions.prepare(root, student, assignment, into)
        job.notes += prepared.notes
        if into.is_dir():
            for path in sorted(into.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    name = path.relative_to(into).as_posix()
                    if name.endswith(".ipynb") and "/" not in name and path.stem not in prepared.notebooks:
                        continue
                    job.files[name] = path.read_bytes()
    return job


# --- grading -----------------------------------------------------------------------------------

_templates: dict[tuple[str, str, str], Path] = {}
_templates_lock = threading.Lock()
_templates_dir: tempfile.TemporaryDirectory | None = None


def _source_digest(root: Path, assignment: str) -> str:
    """What a template gradebook depends on: the assignment's source files, the configuration in
    effect (the course's files and those they load) and nbgrader's configuration files in
    Jupyter's configuration folders."""
    from jupyter_core.paths import jupyter_config_path

    digest = hashlib.sha256(json.dumps(course.config(root), sort_keys=True, default=repr).encode())
    outside = [Path(folder) / f"nbgrader_config.{kind}" for folder in jupyter_config_path() for kind in ("py", "json")]
    for path in [*outside, root / "nbgrader_config.py", *sorted((root / course.SOURCE / assignment).rglob("*"))]:
        if path.is_file():
            name = path.relative_to(root) if path.is_relative_to(root) else path   # a course's copies share it
            digest.update(str(name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _private_course(root: Path, into: Path) -> None:
    """A course folder at ``into`` that shares ``root``'s source and configuration."""
    into.mkdir(parents=True, exist_ok=True)
    (into / course.SOURCE).symlink_to(root / course.SOURCE, target_is_directory=True)
    (into / "nbgrader_config.py").write_text(
        "# The configuration of the course this job comes from.\n"
        f"load_subconfig('nbgrader_config.py', path={str(root)!r})  # noqa: F821\n", encoding="utf-8")


def _cache_dir() -> Path | None:
    """Where template gradebooks are kept between runs: ``$AUTOGRADER_CACHE``, else
    ``$XDG_CACHE_HOME/autograder``, else ``~/.cache/autograder`` (None if it cannot be made)."""
    base = os.environ.get("AUTOGRADER_CACHE") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "autograder")
    folder = Path(base) / "gradebooks"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = tempfile.NamedTemporaryFile(dir=folder)
        probe.close()
    except OSError:
        return None
    return folder


def template_gradebook(root: Path, assignment: str) -> Path:
    """A sqlite gradebook holding only ``assignment`` (its notebooks and cells), copied for
    every job. It depends only on the configuration, the assignment's source and nbgrader's
    version, so it is made once per machine and source version (``nbgrader generate_assignment``,
    about 5 s) and kept in :func:`_cache_dir` (in a temporary folder if there is none)."""
    global _templates_dir
    digest = hashlib.sha256(f"{nbgrader_version}\0{_source_digest(root, assignment)}".encode()).hexdigest()[:32]
    key = (str(root), assignment, digest)
    with _templates_lock:
        if key in _templates and _templates[key].is_file():
            return _templates[key]
        if _templates_dir is None:
            _templates_dir = tempfile.TemporaryDirectory(prefix="autograder-gradebooks-")
        cache = _cache_dir()
        cached = cache / f"{assignment}-{digest}.db" if cache else None
        if cached is None or not cached.is_file():
            folder = Path(tempfile.mkdtemp(dir=_templates_dir.name))
            _private_course(root, folder)
            path = folder / "gradebook.db"
            release.generate(folder, assignment, folder / "release", database=True,
                             options=(f"--CourseDirectory.db_url=sqlite:///{path}",
                                      f"--CourseDirectory.root={folder}"))
            if cached is None:
                _templates[key] = path
                return path
            partial = cached.with_name(f".{cached.name}.{os.getpid()}.{threading.get_ident()}")
            shutil.copyfile(path, partial)
            os.replace(partial, cached)   # atomic: a concurrent run sees all of it or nothing
        _templates[key] = cached
        return cached


def _last_lines(text: str, n: int = 5) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-n:])


def _safe_path(base: Path, name: str) -> Path | None:
    path = (base / name).resolve()
    return path if path.is_relative_to(base.resolve()) and path != base.resolve() else None


def grade_job(root: Path, job: Job, *, isolate: bool = True, options: tuple[str, ...] = (), slot: int = 0) -> Result:
    """Autograde one job with ``nbgrader autograde`` in a private course and throwaway gradebook.

    ``isolate``: run the student's code in the bubblewrap sandbox; ``options``: more nbgrader
    options (e.g. ``--SandboxedExecute.timeout=60``); ``slot``: the parallel worker's number
    (its sandbox uid). Never raises for a bad submission: what went wrong is in ``reasons``.
    """
    root = root.resolve()
    result = Result(job.student, job.assignment, reasons=list(job.notes), timestamp=job.timestamp,
                    secret=job.secret)
    if not job.notebooks:
        return result
    with tempfile.TemporaryDirectory(prefix="autograder-job-") as tmp:
        private = Path(tmp) / "course"
        _private_course(root, private)
        gradebook = private / "gradebook.db"
        shutil.copyfile(template_gradebook(root, job.assignment), gradebook)
        folder = private / course.SUBMITTED / job.student / job.assignment
        folder.mkdir(parents=True)
        for name, content in job.files.items():
            path = _safe_path(folder, name)
            if path is None or name == TIMESTAMP_FILE:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if job.timestamp:
            (folder / TIMESTAMP_FILE).write_text(job.timestamp, encoding="utf-8")
        args = ["autograde", job.assignment, f"--student={job.student}", "--force",
                f"--CourseDirectory.root={private}", f"--CourseDirectory.db_url=sqlite:///{gradebook}",
                f"--SandboxedExecute.slot={slot}", f"--SandboxedExecute.isolate={isolate}", *options]
        done = course.run_nbgrader(private, *args, timeout=SUBMISSION_TIMEOUT, memory=GRADER_MEMORY)
        if done.returncode is None:
            result.reasons.append(f"grading took longer than {SUBMISSION_TIMEOUT:.0f} s and was stopped")
        elif done.returncode != 0:
            result.reasons.append(f"nbgrader autograde failed: {_last_lines(done.output)}")
        graded = private / "autograded" / job.student / job.assignment
        for name in job.notebooks:
            path = graded / f"{name}.ipynb"
            if not path.is_file():
                continue
            # the submitted notebook was validated when the job was made (submissions.prepare)
            submitted = nbformat.reader.reads(job.files[f"{name}.ipynb"])
            text = path.read_text(encoding="utf-8")
            autograded = nbformat.reads(text, as_version=4)
            result.notebooks[name] = text
            result.reasons += [f"{name}.ipynb: {note}" for note in repairs(submitted, autograded)]
            failed = submissions.failures(autograded)
            if failed:
                result.failures[name] = failed
            result.reasons += [f"{name}.ipynb: {note}" for note in submissions.incidents(autograded)]
        with Gradebook(f"sqlite:///{gradebook}") as book:
            for name in result.notebooks:
                try:
                    notebook = book.find_submission_notebook(name, job.assignment, job.student)
                except MissingEntry:
                    continue
                scores = {g.name: float(g.auto_score) for g in notebook.grades if g.auto_score is not None}
                if scores:
                    result.scores[name] = scores
    return result


def _kind(cell: nbformat.NotebookNode) -> str:
    meta = course.nbgrader_meta(cell)
    if course.is_autograded_test(cell):
        return "test cell"
    if meta.get("solution"):
        return "answer cell"
    return "task cell" if meta.get("task") else "read-only cell"


def repairs(submitted: nbformat.NotebookNode, autograded: nbformat.NotebookNode) -> list[str]:
    """What nbgrader put back from the source, in words: the graded cells the student deleted,
    and the test and read-only cells whose source they changed (a test cell with hidden tests
    differs from its released version by them alone, so only its visible part is compared)."""
    theirs = {course.nbgrader_meta(c)["grade_id"]: c for c in submitted.cells if "grade_id" in course.nbgrader_meta(c)}
    notes = []
    for cell in autograded.cells:
        meta = course.nbgrader_meta(cell)
        if "grade_id" not in meta:
            continue
        grade_id, kind = meta["grade_id"], _kind(cell)
        if grade_id not in theirs:
            notes.append(f"{kind} {grade_id!r} was deleted; put back from {course.SOURCE}/")
        elif (meta.get("locked") or kind == "test cell") and \
                _without_hidden_tests(theirs[grade_id].source).strip() != _without_hidden_tests(cell.source).strip():
            notes.append(f"{kind} {grade_id!r} was edited; the original was put back")
    return notes


def _without_hidden_tests(source: str) -> str:
    lines, hidden = [], False
    for line in source.splitlines():
        if "### BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "### END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden:
            lines.append(line.rstrip())
    return "\n".join(lines)


# --- recording ---------------------------------------------------------------------------------

def notes_path(root: Path, student: str, assignment: str) -> Path:
    """Where :func:`record` keeps a job's reasons and failures (``reports/notes/``)."""
    return root / course.REPORTS / NOTES / student / f"{assignment}.json"


def _answers(path: Path) -> dict[str, str]:
    """grade_id -> source of every graded or solution cell of an autograded notebook."""
    if not path.is_file():
        return {}
    try:   # written by record itself, from a validated notebook
        return _answers_of(nbformat.reader.reads(path.read_bytes()))
    except Exception:  # noqa: BLE001 - an unreadable old notebook means nothing is unchanged
        return {}


def record(root: Path, db_url: str, result: Result) -> None:
    """Write ``result`` to the course: the gradebook at ``db_url`` and ``autograded/``.

    The gradebook gets what ``nbgrader autograde`` writes (nbgrader's own ``SaveAutoGrades``
    and ``AssignLatePenalties``, configured as the course configures them): the submission
    and its timestamp, every auto score and automatic comment, the late penalty. A notebook
    the result does not have scores 0, as nbgrader scores a missing notebook. Unlike plain
    nbgrader, a cell that was graded by hand and whose answer (and auto score) did not change
    since is not flagged for manual grading again. Recording the same result twice is the
    same as recording it once. The assignment must be in the gradebook
    (``nbgrader generate_assignment``, see :func:`autograder.grade.register`).
    """
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

    root = root.resolve()
    for name in (result.student, result.assignment, *result.notebooks):
        if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\\" in name:
            raise ValueError(f"not a plain name for a student, assignment or notebook: {name!r}")
    config = course.config(root)
    target = root / "autograded" / result.student / result.assignment
    before = {name: _answers(target / f"{name}.ipynb") for name in result.notebooks}
    timestamp = parse_utc(result.timestamp) if result.timestamp else None

    with Gradebook(db_url) as gradebook, warnings.catch_warnings():
        # nbgrader's update_or_create_submission trips SQLAlchemy's autoflush warnings (harmless)
        warnings.simplefilter("ignore", SAWarning)
        assignment = gradebook.find_assignment(result.assignment)
        unknown = sorted(set(result.notebooks) - {notebook.name for notebook in assignment.notebooks})
        if unknown:
            raise ValueError(f"{result.assignment} has no notebook {', '.join(unknown)}")
        gradebook.update_or_create_student(result.student)
        extra = {"timestamp": timestamp} if timestamp else {}
        gradebook.update_or_create_submission(result.assignment, result.student, **extra)
        previous = {}
        for notebook in assignment.notebooks:
            submitted = gradebook.find_submission_notebook(notebook.name, result.assignment, result.student)
            previous[notebook.name] = {g.name: (g.auto_score, g.manual_score) for g in submitted.grades}
            if notebook.name not in result.notebooks:
                for grade in submitted.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
        gradebook.db.commit()

    parsed = {name: nbformat.reads(text, as_version=4) for name, text in result.notebooks.items()}
    for name, nb in parsed.items():
        resources = {"nbgrader": {"notebook": name, "assignment": result.assignment, "student": result.student,
                                  "db_url": db_url}}
        SaveAutoGrades(config=config).preprocess(nb, resources)
        AssignLatePenalties(config=config).preprocess(nb, resources)

    with Gradebook(db_url) as gradebook:
        for name, nb in parsed.items():
            now = _answers_of(nb)
            submitted = gradebook.find_submission_notebook(name, result.assignment, result.student)
            for grade in submitted.grades:
                old_auto, manual = previous.get(name, {}).get(grade.name, (None, None))
                unchanged = grade.name in before[name] and before[name][grade.name] == now.get(grade.name)
                if manual is not None and unchanged and old_auto == grade.auto_score:
                    grade.needs_manual_grade = False
        gradebook.db.commit()

    # the penalty with the student's extension or waiver (autograder.late), which the gradebook cannot hold
    late.apply(root, db_url, only=(result.student, result.assignment))
    _write_autograded(target, result)
    path = notes_path(root, result.student, result.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, json.dumps({"notebooks": sorted(result.notebooks), "reasons": result.reasons,
                                    "failures": result.failures,
                                    "timestamp": result.timestamp}, indent=1))


def _answers_of(nb: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> source of every cell nbgrader tracks."""
    return {course.nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if "grade_id" in course.nbgrader_meta(c)}


def _atomic_write(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def _write_autograded(target: Path, result: Result) -> None:
    """``autograded/<student>/<assignment>/``: the autograded notebooks, the timestamp and the
    submission's secret (which ``generate_feedback`` copies to ``feedback/``),
    replacing whatever an earlier grading left there (nothing at all when nothing was graded)."""
    if not result.notebooks:
        shutil.rmtree(target, ignore_errors=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{result.assignment}-", dir=target.parent))
    for name, text in result.notebooks.items():
        (fresh / f"{name}.ipynb").write_text(text, encoding="utf-8")
    if result.timestamp:
        (fresh / TIMESTAMP_FILE).write_text(result.timestamp, encoding="utf-8")
    if result.secret is not None:
        (fresh / SECRET_FILE).write_text(result.secret, encoding="utf-8")
    fresh.chmod(0o755)
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.replace(old)
        fresh.replace(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        fresh.replace(target)
