"""Cleaning submissions before grading, and the gradebook's lock timeout (no kernel needed)."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from sqlalchemy import create_engine

from autograder import course, demo, grade, submissions
from conftest import ROOT


def stub(assignment: str = "01_translation") -> nbformat.NotebookNode:
    return nbformat.read(ROOT / course.RELEASE / assignment / f"{assignment}.ipynb", as_version=4)


def test_a_repeated_grade_id_keeps_its_first_cell():
    nb = stub()
    index = next(i for i, c in enumerate(nb.cells) if course.nbgrader_meta(c).get("grade_id") == "translate")
    nb.cells.insert(index + 1, copy.deepcopy(nb.cells[index]))
    notes = submissions.clean(nb)
    ids = [course.nbgrader_meta(c).get("grade_id") for c in nb.cells if course.nbgrader_meta(c)]
    assert len(ids) == len(set(ids))
    assert course.nbgrader_meta(nb.cells[index])["grade_id"] == "translate"
    assert "nbgrader" not in nb.cells[index + 1].metadata
    assert notes == [f"cell {index + 1} repeated the id 'translate' of an earlier cell; graded as an ordinary cell"]


def test_a_clean_notebook_is_left_alone():
    nb = stub()
    before = copy.deepcopy(nb)
    assert submissions.clean(nb) == []
    assert nb == before


def test_prepare_reports_unreadable_missing_and_renamed_notebooks(tmp_path: Path):
    root = demo.copy_course(ROOT, tmp_path / "course")
    folder = root / course.SUBMITTED / "sam" / "01_translation"
    folder.mkdir(parents=True)
    (folder / "01_translation.ipynb").write_text("{ not json", encoding="utf-8")
    (folder / "helper.txt").write_text("kept", encoding="utf-8")
    prepared = submissions.prepare(root, "sam", "01_translation", tmp_path / "inbox")
    assert prepared.notebooks == []
    assert "01_translation.ipynb cannot be read" in prepared.notes[0]
    assert (tmp_path / "inbox" / "helper.txt").read_text(encoding="utf-8") == "kept"

    (folder / "01_translation.ipynb").rename(folder / "01_translation (1).ipynb")
    prepared = submissions.prepare(root, "sam", "01_translation", tmp_path / "inbox2")
    assert prepared.notebooks == []
    assert "missing from the submission (found: 01_translation (1).ipynb)" in prepared.notes[0]

    assert submissions.prepare(root, "nobody", "01_translation", tmp_path / "inbox3").notes == ["no submission"]


def test_an_old_nbformat_is_upgraded(tmp_path: Path):
    root = demo.copy_course(ROOT, tmp_path / "course")
    folder = root / course.SUBMITTED / "old" / "01_translation"
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.downgrade(copy.deepcopy(stub())), folder / "01_translation.ipynb", version=3)
    prepared = submissions.prepare(root, "old", "01_translation", tmp_path / "inbox")
    assert prepared.notebooks == ["01_translation"]
    upgraded = nbformat.read(tmp_path / "inbox" / "01_translation.ipynb", as_version=4)
    assert upgraded.nbformat == 4
    assert any(course.is_autograded_test(c) for c in upgraded.cells)


def test_the_sqlite_gradebook_waits_a_minute_for_a_lock(tmp_path: Path):
    engine = create_engine(grade.default_db_url(tmp_path))
    _, options = engine.dialect.create_connect_args(engine.url)
    assert options["timeout"] == 60.0
