# nbgrader configuration of the course. The top-level nbgrader_config.py loads this file,
# so every nbgrader command and the JupyterLab extensions started from the repository
# root see it.
c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

c.CourseDirectory.course_id = "cnn-invariance"
# The instructor notebooks (solutions + hidden tests) are nbgrader's source; the
# student notebooks it generates are the release.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# nbgrader's exchange (release_assignment, fetch, submit, collect): a JupyterHub's shared folder
# when the machine has one; otherwise a private folder of this user, so that formgrader and the
# Assignments panel work on a single machine instead of logging "Unwritable directory" (see
# docs/instructors.md, "The exchange folder"). Set c.Exchange.root in your own config to choose another.
import os as _os  # noqa: E402

if not _os.path.isdir("/usr/local/share/nbgrader/exchange"):
    _private = _os.path.join(_os.environ.get("XDG_DATA_HOME") or _os.path.expanduser("~/.local/share"),
                             "nbgrader", "exchange")
    try:
        _os.makedirs(_private, exist_ok=True)
        c.Exchange.root = _private
    except OSError:   # a read-only home: keep nbgrader's default and its warning
        pass

# A new gradebook costs nbgrader a subprocess that asks alembic for its schema's revision
# (about 6 s); read it from nbgrader's migration scripts instead (autograder/alembic_head.py).
try:
    from autograder import alembic_head as _alembic_head

    _alembic_head.install()
except ImportError:   # the course's grading package is not installed here
    pass

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# A written answer's stub says what it is: nbgrader's Validate lists unanswered written answers
# with their text, so a student whose tests all pass reads that only written answers remain.
c.ClearSolutions.text_stub = (
    "YOUR ANSWER HERE\n\n(A written answer, graded by your instructor. When Validate lists only cells "
    "like this one, every autograded test passes: only your written answers remain.)"
)

# The longest cell of the course (the from-scratch loops on a photo) needs a few seconds.
c.Execute.timeout = 120

# nbgrader scores a test cell 0 when anything is written to stderr, so a correct answer
# that merely triggers a warning would lose its points. Drop stderr output before
# scoring (errors and failed assertions still fail the cell).
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]"

# Autograding runs the student's code in a sandboxed kernel and judges the test cells in the
# grader (autograder/execute.py), in place of nbgrader's in-kernel Execute step.
c.Autograde.autograde_preprocessors = [
    "autograder.execute.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    # last: the autograded notebook that formgrader, feedback and JupyterLab open holds no
    # active content (scripts, event handlers, frames...) from the student
    "autograder.sanitize.SanitizeNotebook",
]
c.SandboxedExecute.timeout = 120

# Feedback: the course's steps and page (autograder/feedback.py) for every way of making it,
# `python -m autograder feedback`, `nbgrader generate_feedback` and formgrader's "Generate Feedback":
# the hidden tests' source removed, the student's HTML cleaned, formulas as MathML, no script.
try:
    from autograder.feedback_steps import FEEDBACK_EXPORTER as _exporter, FEEDBACK_PREPROCESSORS as _steps

    c.GenerateFeedback.preprocessors = list(_steps)
    c.GenerateFeedback.exporter_class = _exporter
except ImportError:   # the course's grading package is not installed here
    pass

# nbgrader's exchange with the course's safe steps (autograder/exchange.py): `nbgrader collect` and
# formgrader's "Collect" copy no link, FIFO or device from the students' inbound and skip a folder
# they cannot read with a reason; `nbgrader release_feedback` skips, naming it, a submission that
# did not come through the exchange (no submission_secret.txt) and releases the others.
c.ExchangeFactory.collect = "autograder.exchange.SafeCollect"
c.ExchangeFactory.release_feedback = "autograder.exchange.SafeReleaseFeedback"
# formgrader's "Autograde" button grades as `make autograde` does (autograder/formgrader.py): the
# course's sandbox, submission checks and limits, in a process of its own, without blocking the server.
try:
    from autograder import formgrader as _formgrader

    _formgrader.install()
except ImportError:   # the course's grading package is not installed here
    pass
# The Validate button (and `nbgrader validate`) runs the course's Validator (autograder/validation.py):
# the display-only cells that grading skips are skipped (a few seconds instead of minutes), and the
# report names each unanswered written question and says whether every autograded test passes.
# It needs only the student's environment.
try:
    from autograder import validation as _validation

    _validation.install()
except ImportError:   # the course's package is not installed here
    pass
# A deleted test cell is put back from the source and graded, instead of staying
# "needs manual grading".
c.OverwriteCells.add_missing_cells = True

# Late submissions: nbgrader compares each submission's timestamp.txt with the assignment's due date
# in the gradebook (set it with `nbgrader db assignment add ASSIGNMENT --duedate="2026-12-07 17:00 UTC"`
# or in formgrader's "Manage Assignments"). A notebook handed in late loses 10 % of its maximum score
# (written answers included) per started day, at most 50 % (autograder/late.py).
c.AssignLatePenalties.plugin_class = "autograder.late.PenaltyPerDay"
c.PenaltyPerDay.fraction_per_day = 0.1
c.PenaltyPerDay.max_fraction = 0.5

# The gradebook's URL (it may hold a password) is never written in this tracked file. nbgrader's own
# apps (formgrader, collect, release_feedback, `nbgrader db`) read it only from the configuration, so
# it is read here from $AUTOGRADER_DB_URL, else from nbgrader_config.local.py next to the top-level
# nbgrader_config.py: an untracked file, ignored by git, of mode 0600, holding for example
#     c.CourseDirectory.db_url = "postgresql+psycopg2://grader:PASSWORD@db.internal:5432/course"
# (see docs/instructors.md, "Secrets"). Without either, the gradebook is gradebook.db in the course folder.
import os as _secrets_os  # noqa: E402

load_subconfig(  # noqa: F821 - provided by traitlets when the file is loaded
    "nbgrader_config.local.py", path=_secrets_os.path.dirname(_secrets_os.path.dirname(_secrets_os.path.abspath(__file__))))
if _secrets_os.environ.get("AUTOGRADER_DB_URL"):
    c.CourseDirectory.db_url = _secrets_os.environ["AUTOGRADER_DB_URL"]
