"""Returning results: HTML feedback without the hidden tests, and the gradebook as a table."""

from __future__ import annotations

from pathlib import Path

from autograder import course
from autograder.grade import default_db_url

#: Feedback is nbgrader's, with the hidden tests removed from the test cells first.
FEEDBACK_PREPROCESSORS = (
    "--GenerateFeedback.preprocessors=['nbgrader.preprocessors.ClearHiddenTests',"
    "'nbgrader.preprocessors.GetGrades','autograder.sanitize.SanitizeNotebook',"
    "'nbconvert.preprocessors.CSSHTMLHeaderPreprocessor']"
)


def generate(root: Path, db_url: str | None = None) -> list[Path]:
    """``nbgrader generate_feedback`` for every assignment, without hidden tests' source.
    Returns the HTML files written under ``feedback/``."""
    root = root.resolve()
    for assignment in course.assignments(root):
        done = course.run_nbgrader(root, "generate_feedback", assignment, "--force", FEEDBACK_PREPROCESSORS,
                                   f"--CourseDirectory.db_url={db_url or default_db_url(root)}")
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader generate_feedback {assignment} failed:\n{done.output[-2000:]}")
    return sorted((root / "feedback").rglob("*.html"))


def export(root: Path, db_url: str | None = None) -> Path:
    """``nbgrader export``: one row per student and assignment, autograded and manual scores."""
    root = root.resolve()
    path = root / course.REPORTS / "gradebook.csv"
    path.parent.mkdir(exist_ok=True)
    done = course.run_nbgrader(root, "export", f"--CsvExportPlugin.to={path}",
                               f"--CourseDirectory.db_url={db_url or default_db_url(root)}")
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader export failed:\n{done.output[-2000:]}")
    return path
