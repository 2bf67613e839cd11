"""An instructor's term with ``python -m autograder grade``: a class where only the first
assignment was handed in, a summary that says each assignment once and names every repair,
regrading some students while the reports keep everyone, and manual grades that a regrade
leaves closed when the answer did not change.

The class (four students, one of two assignments submitted) is graded twice: all of it, then
three students again after the instructor gave manual grades and one student fixed their file.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import course, jobs, notebooks
from conftest import copy_course, submission

ASSIGNMENTS = ("01_translation", "02_equivariance")   # only the first is handed in
FIRST = ASSIGNMENTS[0]
NOTEBOOK = FIRST
WRITTEN = "written_one_pixel_answer"   # a manually graded written answer of FIRST

pytestmark = pytest.mark.xdist_group("instructor")


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), *args],
                          env=dict(course.nbgrader_env(), OPENBLAS_NUM_THREADS="1"),
                          capture_output=True, text=True, check=False, timeout=1800)


def notebook_of(root: Path, student: str) -> Path:
    return root / course.SUBMITTED / student / FIRST / f"{NOTEBOOK}.ipynb"


def with_answer(nb: nbformat.NotebookNode, text: str) -> nbformat.NotebookNode:
    cell = next(c for c in nb.cells if course.nbgrader_meta(c).get("grade_id") == WRITTEN)
    cell.source = text
    return nb


def tampered() -> nbformat.NotebookNode:
    """The reference solution with a deleted test cell, an edited one and a copied solution cell."""
    nb = nbformat.reads(submission(FIRST, NOTEBOOK, {}), as_version=4)
    nb.cells = [c for c in nb.cells if course.nbgrader_meta(c).get("grade_id") != "test_translate_basic"]
    edited = next(c for c in nb.cells if course.nbgrader_meta(c).get("grade_id") == "test_image_distance_basic")
    edited.source = "pass  # the test is in the way"
    original = next(c for c in nb.cells if course.nbgrader_meta(c).get("grade_id") == "translate")
    nb.cells.insert(nb.cells.index(original) + 1,
                    nbformat.v4.new_code_cell(original.source, id="copied", metadata=dict(original.metadata)))
    return nb


def rows(root: Path) -> list[dict[str, str]]:
    with (root / course.REPORTS / "grades.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def totals(root: Path) -> dict[str, float]:
    found: dict[str, float] = {}
    for row in rows(root):
        found[row["student_id"]] = found.get(row["student_id"], 0.0) + float(row["score"])
    return found


def block(summary: str, student: str) -> str:
    """The student's lines of the summary."""
    first, *rest = summary.split(f"\n{student}:", 1)[1].splitlines()
    lines = [first]
    for line in rest:
        if not line.startswith("    "):
            break
        lines.append(line)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def term(tmp_path_factory) -> dict:
    root = copy_course(tmp_path_factory.mktemp("term") / "course")
    for folder in (course.SOURCE, course.RELEASE):
        for other in (root / folder).iterdir():
            if other.name not in ASSIGNMENTS:
                subprocess.run(["rm", "-rf", str(other)], check=True)
    reference = nbformat.reads(submission(FIRST, NOTEBOOK, {}), as_version=4)
    answers = {"ada": with_answer(reference, "Every pixel value moves, so the arrays differ everywhere."),
               "bob": nbformat.reads(submission(FIRST, NOTEBOOK, None), as_version=4),
               "cat": with_answer(nbformat.reads(submission(FIRST, NOTEBOOK, {}), as_version=4), "They differ."),
               "dee": tampered()}
    for student, nb in answers.items():
        notebook_of(root, student).parent.mkdir(parents=True)
        notebooks.write(nb, notebook_of(root, student))

    first = run(root, "grade", "-j", "2")   # with its progress bar
    assert first.returncode == 0, first.stderr[-3000:]
    state = {"root": root, "first": first, "first_rows": rows(root),
             "first_summary": (root / course.REPORTS / "summary.txt").read_text(encoding="utf-8"),
             "dee_mtime": (root / "autograded" / "dee" / FIRST / f"{NOTEBOOK}.ipynb").stat().st_mtime_ns}

    # the instructor grades the written answers by hand (as formgrader does) ...
    with Gradebook(course.db_url(root)) as gradebook:
        for student in ("ada", "cat"):
            grade = gradebook.find_grade(WRITTEN, NOTEBOOK, FIRST, student)
            assert grade.needs_manual_grade, "a written answer waits for manual grading"
            grade.manual_score = 2.0
            grade.needs_manual_grade = False
        gradebook.db.commit()
    # ... bob hands in his work again, cat rewrites her answer, ada changes nothing
    notebooks.write(nbformat.reads(submission(FIRST, NOTEBOOK, {}), as_version=4), notebook_of(root, "bob"))
    notebooks.write(with_answer(nbformat.reads(submission(FIRST, NOTEBOOK, {}), as_version=4),
                                "They differ in every pixel that moved."), notebook_of(root, "cat"))
    second = run(root, "grade", "--student", "ada", "--student", "bob", "--student", "cat",
                 "--assignment", FIRST, "--quiet")
    assert second.returncode == 0, second.stderr[-3000:]
    state.update(second=second, second_rows=rows(root),
                 second_summary=(root / course.REPORTS / "summary.txt").read_text(encoding="utf-8"))
    return state


def test_progress_bar_names_the_student_being_graded(term):
    assert "grading" in term["first"].stderr and "4/4" in term["first"].stderr
    assert any(f"{s}/{FIRST}" in term["first"].stderr for s in ("ada", "bob", "cat", "dee"))


def test_assignments_nobody_submitted_are_left_out_with_one_line(term):
    summary = term["first_summary"]
    assert summary.count("02_equivariance") == 1
    assert "Not submitted by anyone, left out: 02_equivariance" in summary
    assert {r["assignment"] for r in term["first_rows"]} == {FIRST}
    cells = {c.cell for c in course.test_cells(term["root"], FIRST)}
    for student in ("ada", "bob", "cat", "dee"):
        assert {r["cell"] for r in term["first_rows"] if r["student_id"] == student} == cells


def test_summary_names_each_assignment_once_and_every_repair(term):
    summary = term["first_summary"]
    for line in summary.splitlines():
        assert line.count(FIRST + ":") <= 1, f"assignment named twice: {line!r}"
    dee = block(summary, "dee")
    assert "test cell 'test_translate_basic' was deleted; put back from solutions/" in dee, dee
    assert "test cell 'test_image_distance_basic' was edited; the original was put back" in dee, dee
    assert "repeated the id 'translate'" in dee, dee
    assert totals(term["root"])["dee"] == totals(term["root"])["ada"] > 0, "the repaired tests grade the solution"
    ada = block(summary, "ada")
    assert "put back" not in ada and "repeated" not in ada, f"nothing was repaired for ada: {ada}"


def test_regrading_some_students_keeps_the_others(term):
    root = term["root"]
    assert term["second"].stdout.count("\nbob:") == 1 and "\ndee:" in term["second"].stdout
    before = {(r["student_id"], r["cell"]): r for r in term["first_rows"]}
    after = {(r["student_id"], r["cell"]): r for r in term["second_rows"]}
    assert before.keys() == after.keys()
    assert [after[k] for k in after if k[0] != "bob"] == [before[k] for k in before if k[0] != "bob"]
    bob = [r for r in term["second_rows"] if r["student_id"] == "bob"]
    assert all(float(r["score"]) == float(r["max_score"]) for r in bob), "bob's new submission was not graded"
    # dee was not graded again, and her summary (repairs) is still there
    assert (root / "autograded" / "dee" / FIRST / f"{NOTEBOOK}.ipynb").stat().st_mtime_ns == term["dee_mtime"]
    assert block(term["second_summary"], "dee") == block(term["first_summary"], "dee")


def test_a_second_autograde_keeps_manual_grading_of_unchanged_answers_closed(term):
    with Gradebook(course.db_url(term["root"])) as gradebook:
        ada = gradebook.find_grade(WRITTEN, NOTEBOOK, FIRST, "ada")
        cat = gradebook.find_grade(WRITTEN, NOTEBOOK, FIRST, "cat")
        assert (ada.manual_score, cat.manual_score) == (2.0, 2.0), "manual grades are kept"
        assert not ada.needs_manual_grade, "ada's answer did not change: no manual grading again"
        assert cat.needs_manual_grade, "cat's answer changed: it needs a look again"
        bob = gradebook.find_grade(WRITTEN, NOTEBOOK, FIRST, "bob")
        assert bob.manual_score is None and bob.auto_score == 0, "an unanswered question scores 0, as nbgrader says"


def test_recording_a_result_twice_is_recording_it_once(term):
    root = term["root"]
    url = course.db_url(root)
    autograded = root / "autograded" / "ada" / FIRST / f"{NOTEBOOK}.ipynb"
    result = jobs.Result("ada", FIRST, notebooks={NOTEBOOK: autograded.read_text(encoding="utf-8")},
                         reasons=["a reason"])
    assert jobs.Result.from_json(result.to_json()) == result

    def snapshot() -> list[tuple]:
        with Gradebook(url) as gradebook:
            nb = gradebook.find_submission_notebook(NOTEBOOK, FIRST, "ada")
            return sorted((g.name, g.auto_score, g.manual_score, g.needs_manual_grade) for g in nb.grades)

    jobs.record(root, url, result)
    once = snapshot()
    jobs.record(root, url, result)
    assert snapshot() == once
    assert [g[2:] for g in once if g[0] == WRITTEN] == [(2.0, False)], "ada's manual grade stays closed"
    assert json.loads(jobs.notes_path(root, "ada", FIRST).read_text())["reasons"] == ["a reason"]


def test_jobs_travel_as_json_with_their_bytes():
    job = jobs.Job("s", "a", files={"x.ipynb": b"{}", "data/raw.bin": bytes(range(256))},
                   timestamp="2026-11-30T10:00:00+00:00", notes=["n"])
    assert jobs.Job.from_json(job.to_json()) == job
    with pytest.raises(ValueError, match="JSON object"):
        jobs.Job.from_json("[]")


def test_unknown_students_and_assignments_are_refused(scratch_course):
    done = run(scratch_course, "grade", "--student", "nobody")
    assert done.returncode == 2 and "no student nobody in submitted/" in done.stderr
    done = run(scratch_course, "grade", "--assignment", "99_nothing")
    assert done.returncode == 2 and "no assignment 99_nothing" in done.stderr
