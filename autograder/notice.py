"""The page a student receives when their hand-in could not be graded.

``python -m autograder watch`` writes it in place of the feedback when a hand-in is refused, when
grading fails or times out, or when a notebook cannot be read: one page per notebook of the
assignment, in ``feedback/<student>/<assignment>/``, beside the hand-in's ``timestamp.txt`` and
``submission_secret.txt``, so that the course's ``nbgrader release_feedback`` releases it and the
student's ``nbgrader fetch_feedback`` receives it like any feedback. It says why in plain words:
only the reasons a student can act on are shown (a notebook missing or unreadable, a hand-in too
large, grading stopped after its time limit), never a traceback or a test's text; anything else
is "grading failed on the grader's side", and the instructor sees the details in the log.
"""

from __future__ import annotations

import html
from pathlib import Path

#: Reasons (of :mod:`autograder.submissions` and :mod:`autograder.jobs`) that are shown as they are.
PLAIN_REASONS = ("notebook ", "not graded: ", "no submission", "left out ", "grading took longer than")
#: What a student is told when the reason is not one of those.
GRADER_SIDE = "Grading failed on the grader's side; your instructor has been told."
LIMIT = 300


def plain(reasons: list[str]) -> list[str]:
    """The lines of ``reasons`` a student may read (first line of each, at most :data:`LIMIT`
    characters); :data:`GRADER_SIDE` when none is."""
    shown = []
    for reason in reasons:
        line = reason.strip().splitlines()[0] if reason.strip() else ""
        if line.startswith(PLAIN_REASONS) and "Traceback" not in line:
            shown.append(line[:LIMIT] + ("..." if len(line) > LIMIT else ""))
    return shown or [GRADER_SIDE]


def page(assignment: str, notebook: str, handed_in: str, lines: list[str]) -> str:
    """The HTML of the notice (no script, nothing fetched)."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(notebook)}: not graded</title>"
            "</head><body>\n"
            f"<h1>{html.escape(assignment)} / {html.escape(notebook)}.ipynb: not graded</h1>\n"
            f"<p>Your hand-in of {html.escape(handed_in.strip())} could not be graded:</p>\n<ul>{items}</ul>\n"
            "<p>Fix what is named above and submit again; your newest hand-in is the one that counts. "
            "If you cannot tell what is wrong, ask your instructor.</p>\n</body></html>\n")


def write(folder: Path, assignment: str, notebooks: list[str], timestamp: str, secret: str,
          lines: list[str]) -> list[Path]:
    """Write the notice for each of ``notebooks`` (names without ``.ipynb``) and the hand-in's
    timestamp and secret into the feedback folder ``folder``; the pages written."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text(timestamp, encoding="utf-8")
    (folder / "submission_secret.txt").write_text(secret, encoding="utf-8")
    pages = []
    for name in notebooks:
        path = folder / f"{name}.html"
        partial = path.with_name(path.name + ".partial")
        partial.write_text(page(assignment, name, timestamp, lines), encoding="utf-8")
        partial.replace(path)
        pages.append(path)
    return pages


__all__ = ["GRADER_SIDE", "PLAIN_REASONS", "page", "plain", "write"]
