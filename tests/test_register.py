"""Registering the assignments in the course gradebook before grading (``grade.register``): the
gradebook ends with exactly what ``nbgrader generate_assignment`` records (the notebooks, the
grade, solution, task and source cells), taken from the jobs' template gradebook when the
gradebook does not have the assignment yet, left alone when it has the same, and made by
``generate_assignment`` itself when it has something else. The template follows the source and
the configuration in effect, and is only read."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import nbformat
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


def _same_as_generate_assignment(root: Path, assignment: str, tmp_path: Path, name: str) -> dict:
    """Register ``assignment`` in a new gradebook and with generate_assignment in another; the
    records, which must be the same."""
    ours, theirs = f"sqlite:///{tmp_path}/{name}-ours.db", f"sqlite:///{tmp_path}/{name}-nbgrader.db"
    template = jobs.template_gradebook(root, assignment)
    before = template.read_bytes()
    grade.register(root, ours, [assignment])
    assert template.read_bytes() == before, f"{name}: registering wrote to the template gradebook"
    release.generate(root, assignment, tmp_path / "release", database=True,
                     options=(f"--CourseDirectory.db_url={theirs}",))
    with Gradebook(ours) as mine, Gradebook(theirs) as nbgrader_book:
        expected = grade.registration(nbgrader_book, assignment)
        assert grade.registration(mine, assignment) == expected, f"{name}: the records differ from generate_assignment's"
    return expected


def test_records_follow_the_configuration_and_every_kind_of_cell_and_keep_the_due_date(
        scratch_course: Path, tmp_path: Path, generate_calls: list[str]) -> None:
    assignment = course.assignments(scratch_course)[0]
    earlier = jobs.template_gradebook(scratch_course, assignment)   # of the configuration as it was
    earlier_bytes = earlier.read_bytes()

    config = scratch_course / "autograder" / "nbgrader_config.py"   # loaded by the course's nbgrader_config.py
    config.write_text(config.read_text(encoding="utf-8") + '\nc.CourseDirectory.course_id = "cnn-2027"\n'
                      'c.ClearSolutions.code_stub = {"python": "# write your code here\\nraise NotImplementedError()"}\n',
                      encoding="utf-8")
    expected = _same_as_generate_assignment(scratch_course, assignment, tmp_path, "configuration")
    (notebook,) = expected["notebooks"].values()
    assert expected["assignment"]["course_id"] == "cnn-2027"
    assert any("# write your code here" in c["source"] for c in notebook["source_cells"].values())
    assert earlier.read_bytes() == earlier_bytes, "the earlier template gradebook was written to"

    (source,) = course.source_notebooks(scratch_course, assignment)
    nb = nbformat.read(source, as_version=4)
    nbgrader = {"schema_version": 3, "solution": False, "grade": False, "task": False, "locked": False}
    nb.cells += [
        nbformat.v4.new_markdown_cell("Describe what you saw.", metadata={"nbgrader": {
            **nbgrader, "task": True, "locked": True, "points": 2, "grade_id": "task_described"}}),
        nbformat.v4.new_markdown_cell("Your written answer.", metadata={"nbgrader": {
            **nbgrader, "grade": True, "solution": True, "points": 1, "grade_id": "written_answer"}}),
    ]
    nbformat.write(nb, source)
    generate_calls.clear()
    expected = _same_as_generate_assignment(scratch_course, assignment, tmp_path, "cells")
    assert generate_calls == [assignment, assignment], \
        "expected one generate_assignment for the new template and the comparison's own: registering ran one more"
    (notebook,) = expected["notebooks"].values()
    assert "task_described" in notebook["task_cells"] and "written_answer" in notebook["grade_cells"]
    assert "written_answer" in notebook["solution_cells"]

    generate_calls.clear()
    url = f"sqlite:///{tmp_path}/cells-ours.db"
    due = datetime.datetime(2026, 12, 24, 12, 0)
    with Gradebook(url) as mine:   # the instructor's due date: not generate_assignment's business
        mine.find_assignment(assignment).duedate = due
        mine.db.commit()
    grade.register(scratch_course, url, [assignment])
    assert generate_calls == []
    with Gradebook(url) as mine:
        assert mine.find_assignment(assignment).duedate == due
        assert grade.registration(mine, assignment) == expected


def test_a_template_in_a_folder_with_odd_characters_is_read(scratch_course: Path, tmp_path: Path,
                                                            generate_calls: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path / "cache dir #1 ?%20 é"))   # the template's path is a URI
    assignment = course.assignments(scratch_course)[0]
    template = jobs.template_gradebook(scratch_course, assignment)
    assert "#1 ?%20" in str(template)
    generate_calls.clear()
    grade.register(scratch_course, f"sqlite:///{tmp_path}/gradebook.db", [assignment])
    assert generate_calls == [], "the template was not read: generate_assignment ran instead"
