"""The class roster in the gradebook, so that formgrader and ``reports/gradebook.csv`` show
names, e-mails and LMS ids, not only nbgrader's ids.

``python -m autograder roster FILE`` reads the roster of :func:`autograder.lms.read_roster`
(``student_id``, ``lms_id``, ``name``, optionally ``email``) and creates or updates each student
in the gradebook. nbgrader keeps a first and a last name; ``name`` is split by
:func:`split_name`. Students of the gradebook missing from the roster are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder import lms


def split_name(name: str) -> tuple[str, str]:
    """nbgrader's (first name, last name) of a roster's ``name``: ``"Last, First"`` (a comma) is
    split at its first comma; otherwise the last word is the last name and the words before it
    the first name (``"Ada King Lovelace"`` -> ``("Ada King", "Lovelace")``); a single word is a
    last name alone. Spaces around the parts are dropped."""
    if not isinstance(name, str):
        raise TypeError(f"a name must be a string, not {type(name).__name__}")
    if "," in name:
        last, _, first = name.partition(",")
        return " ".join(first.split()), " ".join(last.split())
    words = name.split()
    if not words:
        return "", ""
    return " ".join(words[:-1]), words[-1]


@dataclass
class Imported:
    """What :func:`import_roster` did: the ids it added and the ids it updated."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def import_roster(db_url: str, students: list[lms.Student]) -> Imported:
    """Create or update every student of ``students`` in the gradebook at ``db_url``: first and
    last name (:func:`split_name`), e-mail (``None`` when the roster has none) and LMS id."""
    done = Imported()
    with Gradebook(db_url) as gradebook:
        for student in students:
            first, last = split_name(student.name)
            try:
                gradebook.find_student(student.student_id)
                done.updated.append(student.student_id)
            except MissingEntry:
                done.added.append(student.student_id)
            gradebook.update_or_create_student(student.student_id, first_name=first or None, last_name=last or None,
                                               email=student.email or None, lms_user_id=student.lms_id)
    return done


def main(db_url: str, path: Path) -> int:
    """``python -m autograder roster FILE``: import, then say what was done. ``ValueError`` for
    a bad roster (nothing is imported then)."""
    students = lms.read_roster(path)
    done = import_roster(db_url, students)
    print(f"{len(students)} students of {path} in the gradebook: {len(done.added)} added, "
          f"{len(done.updated)} updated")
    return 0
