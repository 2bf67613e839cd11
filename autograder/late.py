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

import math

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
