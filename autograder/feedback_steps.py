"""The feedback's steps and page, named once: the course's nbgrader configuration sets them for
every way of making feedback (``nbgrader generate_feedback``, formgrader's button), and
:mod:`autograder.feedback` passes them on ``python -m autograder feedback``'s command line.
Nothing is imported here, so that loading the configuration costs the students' commands nothing.
See :mod:`autograder.feedback` for what each step does."""

#: The feedback steps, in order.
FEEDBACK_PREPROCESSORS = (
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.GetGrades",
    "autograder.sanitize.SanitizeNotebook",
    "autograder.feedback.MarkPendingGrades",
    "autograder.feedback.WithholdHiddenResults",
    "autograder.feedback.NoteUndrawnOutputs",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "autograder.feedback.WrapLongLines",
)
#: The exporter that writes the page (the course's template, formulas as MathML, no script).
FEEDBACK_EXPORTER = "autograder.feedback.FeedbackExporter"
