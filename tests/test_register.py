"""Registering the assignments in the course gradebook before grading (``grade.register``): the
gradebook ends with exactly what ``nbgrader generate_assignment`` records (the notebooks, the
grade, solution, task and source cells), taken from the jobs' template gradebook when the
gradebook does not have the assignment yet, left alone when it has the same, and made by
``generate_assignment`` itself when it has something else."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import course, grade, jobs, release


@pytest.fixture()
def generate_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The assignments ``generate_assignment`` runs for from now on (it still runs)."""
    calls: list[str] = []
    real = release.generate

    def counted(root: Path, assignment: str, *args, **kwargs):  # noqa: ANN002,ANN003,ANN202
        calls.append(assignment)
        return real(root, assignment, *args, **kwargs)

    monkeypatch.setattr(release, "generate", counted)
    return calls


def _digest(paths: list[Path]) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()


def test_registration_is_what_generate_assignment_records(scratch_course: Path, tmp_path: Path,
                                                          generate_calls: list[str]) -> None:
    assignments = course.assignments(scratch_course)
    templates = [jobs.template_gradebook(scratch_course, a) for a in assignments]   # made once per source
    before = _digest(templates)
    generate_calls.clear()
    ours, theirs = f"sqlite:///{tmp_path}/ours.db", f"sqlite:///{tmp_path}/nbgrader.db"

    grade.register(scratch_course, ours, assignments, ["ada"])
    assert generate_calls == [], "a new gradebook ran generate_assignment instead of getting the template's records"
    assert _digest(templates) == before, "reading the template gradebooks changed them"
    for assignment in assignments:
        release.generate(scratch_course, assignment, tmp_path / "release", database=True,
                         options=(f"--CourseDirectory.db_url={theirs}",))
    with Gradebook(ours) as mine, Gradebook(theirs) as nbgrader:
        for assignment in assignments:
            expected = grade.registration(nbgrader, assignment)
            assert expected and expected["notebooks"], f"nbgrader recorded nothing for {assignment}"
            (notebook,) = expected["notebooks"].values()
            assert notebook["grade_cells"] and notebook["source_cells"] and notebook["solution_cells"]
            assert grade.registration(mine, assignment) == expected, \
                f"{assignment}: the records differ from generate_assignment's"
        assert [s.id for s in mine.students] == ["ada"]

    generate_calls.clear()
    grade.register(scratch_course, ours, assignments)   # the same records already: nothing to do
    assert generate_calls == [], "registering again ran generate_assignment"


def test_other_records_are_made_again_by_generate_assignment(scratch_course: Path, tmp_path: Path,
                                                              generate_calls: list[str]) -> None:
    assignment = course.assignments(scratch_course)[0]
    url = f"sqlite:///{tmp_path}/gradebook.db"
    grade.register(scratch_course, url, [assignment])
    generate_calls.clear()
    with Gradebook(url) as book:   # as after the source changed: a test cell worth another number of points
        wanted = grade.registration(book, assignment)
        (notebook,) = book.find_assignment(assignment).notebooks
        notebook.grade_cells[0].max_score += 1
        book.db.commit()
        assert grade.registration(book, assignment) != wanted

    grade.register(scratch_course, url, [assignment])
    assert generate_calls == [assignment]
    with Gradebook(url) as book:
        assert grade.registration(book, assignment) == wanted
