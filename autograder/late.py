"""Late submissions: a penalty per day late, on nbgrader's own mechanism.

nbgrader compares each submission's ``timestamp.txt`` (written by ``nbgrader submit``, kept by
``nbgrader collect``) with the assignment's due date in the gradebook (plus any extension), and its
``AssignLatePenalties`` step asks a late-submission plugin for the penalty of every notebook
submitted late. The stock plugin knows only "none" and "zero"; :class:`PenaltyPerDay` takes off a
number of points, or a fraction of the notebook's maximum score, for every day (or part of a day)
late, up to a cap. It is set in ``autograder/nbgrader_config.py``::

    c.AssignLatePenalties.plugin_class = "autograder.late.PenaltyPerDay"
    c.PenaltyPerDay.fraction_per_day = 0.1   # 10 % of the maximum per day late ...
    c.PenaltyPerDay.max_fraction = 0.5       # ... at most 50 %

nbgrader stores the penalty in the gradebook next to the scores (``late_submission_penalty`` of
each submitted notebook); feedback and ``export --lms`` show it. It is computed when the notebook
is autograded, and nbgrader never lets it exceed the score the notebook had then.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float, TraitError, validate

SECONDS_PER_DAY = 24 * 60 * 60


def days_late(total_seconds_late: float) -> int:
    """Started days late (0 when on time), as :class:`PenaltyPerDay` counts them."""
    return math.ceil(total_seconds_late / SECONDS_PER_DAY) if total_seconds_late > 0 else 0


class PenaltyPerDay(LateSubmissionPlugin):
    """``points_per_day`` points plus ``fraction_per_day`` of the notebook's maximum score
    (written answers included) for each started day late, at most ``max_fraction`` of the maximum.
    (The inherited ``penalty_method`` is not used.)"""

    points_per_day = Float(0.0, help="Points taken off for each started day late.").tag(config=True)
    fraction_per_day = Float(0.0, help="Fraction of the notebook's maximum score taken off for each "
                                       "started day late (0.1 = 10 %).").tag(config=True)
    max_fraction = Float(1.0, help="The largest penalty, as a fraction of the notebook's maximum "
                                   "score.").tag(config=True)

    @validate("points_per_day", "fraction_per_day", "max_fraction")
    def _non_negative(self, proposal: dict) -> float:
        value = proposal["value"]
        if not value >= 0 or not math.isfinite(value):
            raise TraitError(f"PenaltyPerDay.{proposal['trait'].name} must be a finite number >= 0, not {value!r}")
        return value

    def maximum(self, score: float) -> float:
        """The maximum score of the notebook being graded, read from the gradebook the calling
        ``AssignLatePenalties`` step has open (``score`` when called from anywhere else)."""
        step = self.parent
        try:
            notebook = step.gradebook.find_notebook(step.notebook_id, step.assignment_id)
        except AttributeError:
            return score
        return float(notebook.max_score)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        days = days_late(total_seconds_late)
        if days == 0:
            return None
        maximum = self.maximum(score)
        penalty = days * (self.points_per_day + self.fraction_per_day * maximum)
        penalty = min(penalty, self.max_fraction * maximum)
        self.log.info("%s is %d day(s) late: penalty %g of %g", student_id, days, penalty, maximum)
        return penalty


# --- extensions and waivers ---------------------------------------------------------------------

#: Where the course keeps extensions and waived penalties (course state, like the gradebook: not in git).
EXCEPTIONS_FILE = "late-exceptions.json"


@dataclass
class Exceptions:
    """The extensions granted and the penalties waived, per ``(student, assignment)``: kept by the
    course because nbgrader's gradebook takes an extension only for a submission that exists.
    An extension is stored in seconds."""

    extensions: dict[tuple[str, str], float] = field(default_factory=dict)
    waived: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def load(cls, root: Path) -> Exceptions:
        path = Path(root) / EXCEPTIONS_FILE
        if not path.is_file():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls({(e["student"], e["assignment"]): float(e["seconds"]) for e in data.get("extensions", [])},
                       {(w["student"], w["assignment"]) for w in data.get("waived", [])})
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"{path} cannot be read ({error}): fix or remove it") from None

    def save(self, root: Path) -> Path:
        path = Path(root) / EXCEPTIONS_FILE
        data = {"extensions": [{"student": s, "assignment": a, "seconds": seconds}
                               for (s, a), seconds in sorted(self.extensions.items())],
                "waived": [{"student": s, "assignment": a} for s, a in sorted(self.waived)]}
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        partial.replace(path)
        return path

    def extension(self, student: str, assignment: str) -> datetime.timedelta | None:
        seconds = self.extensions.get((student, assignment))
        return datetime.timedelta(seconds=seconds) if seconds else None


def due(root: Path, db_url: str, student: str, assignment: str) -> datetime.datetime | None:
    """The student's own due date of ``assignment`` (UTC): the gradebook's due date plus the
    student's extension (:class:`Exceptions`); None when the assignment has no due date."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gradebook:
        try:
            duedate = gradebook.find_assignment(assignment).duedate
        except MissingEntry:
            return None
    if duedate is None:
        return None
    moment = duedate if duedate.tzinfo else duedate.replace(tzinfo=datetime.timezone.utc)
    return moment + (Exceptions.load(root).extension(student, assignment) or datetime.timedelta())


def parse_extension(days: float | None = None, hours: float | None = None) -> float:
    """An extension in seconds from days and hours (``ValueError`` unless positive and finite)."""
    seconds = (days or 0) * SECONDS_PER_DAY + (hours or 0) * 3600
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError("an extension is a positive number of days and/or hours (--days 2, --hours 36)")
    return seconds


def apply(root: Path, db_url: str, only: tuple[str, str] | None = None) -> list[str]:
    """Make every submission's (or ``only`` the ``(student, assignment)``'s) late penalty in the
    gradebook a function of what it depends on now: its timestamp, the assignment's due date,
    the student's extension and waiver (:class:`Exceptions`) and the configured late policy, with nbgrader's own
    ``AssignLatePenalties`` step (no grading needed). Returns a line per penalty that changed."""
    from nbformat import v4
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.preprocessors import AssignLatePenalties

    from autograder import course

    exceptions = Exceptions.load(root)
    config = course.config(root)
    todo: list[tuple[str, str, str, float | None]] = []
    changed: list[str] = []
    with Gradebook(db_url) as gradebook:
        if only is not None:
            try:
                submissions = [gradebook.find_submission(only[1], only[0])]
            except MissingEntry:
                submissions = []
        else:
            submissions = [s for assignment in gradebook.assignments for s in assignment.submissions]
        for submission in submissions:
            key = (submission.student.id, submission.assignment.name)
            # nbgrader adds the extension to the due date: an assignment without one has nothing to extend
            extension = exceptions.extension(*key) if submission.assignment.duedate is not None else None
            if submission.extension != extension:
                submission.extension = extension
            for notebook in submission.notebooks:
                if key in exceptions.waived:   # no penalty: nothing to compute
                    changed += _changed(key, notebook.name, notebook.late_submission_penalty, None)
                    notebook.late_submission_penalty = None
                else:
                    todo.append((*key, notebook.name, notebook.late_submission_penalty))
        gradebook.db.commit()
    step = AssignLatePenalties(config=config)
    for student, assignment, notebook, before in todo:
        resources = {"nbgrader": {"notebook": notebook, "assignment": assignment, "student": student,
                                  "db_url": db_url}}
        step.preprocess(v4.new_notebook(), resources)   # writes the penalty to the gradebook
        with Gradebook(db_url) as gradebook:
            after = gradebook.find_submission_notebook(notebook, assignment, student).late_submission_penalty
        changed += _changed((student, assignment), notebook, before, after)
    return changed


def _changed(key: tuple[str, str], notebook: str, before: float | None, after: float | None) -> list[str]:
    if (before or 0) == (after or 0):
        return []
    return [f"{key[0]} {key[1]}/{notebook}: late penalty {before or 0:g} -> {after or 0:g}"]


# --- who is late --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lateness:
    """How late one submission is, as the gradebook has it (extension included)."""

    seconds_late: float          # after the due date and any extension (0: on time)
    extension: float             # seconds of extension (0: none)
    penalty: float               # the late penalty, summed over the notebooks
    waived: bool

    def describe(self) -> str:
        """``late by 1 day 3 h (extension 2 days): penalty 3`` and the like."""
        words = f"late by {duration(self.seconds_late)}"
        if self.extension:
            words += f" (with an extension of {duration(self.extension)})"
        return words + (": penalty waived" if self.waived else f": penalty {self.penalty:g}")


def duration(seconds: float) -> str:
    """``2 days 3 h``, ``5 h 20 min``, ``40 min``: rounded up to the minute."""
    minutes = math.ceil(seconds / 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes and not days else ""]
    return " ".join(p for p in parts if p) or "0 min"


def lateness(root: Path, db_url: str) -> dict[tuple[str, str], Lateness]:
    """``(student, assignment)`` -> :class:`Lateness` for every submission of the gradebook handed
    in after its due date (and extension)."""
    from nbgrader.api import Gradebook

    exceptions = Exceptions.load(root)
    found = {}
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                key = (submission.student.id, assignment.name)
                extension = submission.extension.total_seconds() if submission.extension else 0.0
                late = submission.total_seconds_late
                if late > 0:
                    penalty = sum(n.late_submission_penalty or 0.0 for n in submission.notebooks)
                    found[key] = Lateness(late, extension, penalty, key in exceptions.waived)
    return found
