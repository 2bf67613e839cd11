"""Links and special files in submissions, through ``python -m autograder grade``.

A class of one assignment: an honest student; students whose notebook is a symbolic link to
the solutions or a hard link; a student folder and an assignment folder that are links to
the honest student's; and a student whose folder also holds a link to a secret outside the
course, a FIFO, a link in a subfolder and an HTML page. Nothing may be followed, copied or
served, a linked notebook scores zero with the reason in the summary, and the honest work
keeps its full marks.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import course, demo, notebooks, safefiles, submissions
from conftest import ROOT, copy_course

ASSIGNMENT = course.assignments(ROOT)[0]
(NOTEBOOK,) = [p.stem for p in course.source_notebooks(ROOT, ASSIGNMENT)]
SECRET = "the-secret-outside-the-course-7f3a"

#: A cell the student adds: whatever it finds of the links ends up in the autograded notebook.
SNOOP = """import os
for name in sorted(os.listdir(".")):
    print(name)
for name in ("secret.txt", "sub/secret.txt", "pipe"):
    try:
        print(open(name).read())
    except OSError as error:
        print(name, "unreadable:", type(error).__name__)
"""


def one_assignment_course(target):
    """A scratch course with only ``ASSIGNMENT`` (feedback needs a graded notebook in every one)."""
    root = copy_course(target)
    for other in course.assignments(root):
        if other != ASSIGNMENT:
            for folder in (course.SOURCE, course.RELEASE):
                shutil.rmtree(root / folder / other)
    return root


def full_marks() -> float:
    return sum(cell.max_score for cell in course.test_cells(ROOT, ASSIGNMENT))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-files")
    root = one_assignment_course(base / "course")
    outside = base / "outside.txt"
    outside.write_text(SECRET, encoding="utf-8")
    submitted = root / course.SUBMITTED
    honest = notebooks.dumps(demo.filled(ROOT, ASSIGNMENT, NOTEBOOK, {}))
    snooping = notebooks.dumps(demo.filled(ROOT, ASSIGNMENT, NOTEBOOK, {}, after={"translate": SNOOP}))

    def folder(student: str) -> Path:
        path = submitted / student / ASSIGNMENT
        path.mkdir(parents=True)
        return path

    (folder("honest") / f"{NOTEBOOK}.ipynb").write_text(honest, encoding="utf-8")
    (folder("symlinked") / f"{NOTEBOOK}.ipynb").symlink_to(root / course.SOURCE / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    os.link(root / course.SOURCE / ASSIGNMENT / f"{NOTEBOOK}.ipynb", folder("hardlinked") / f"{NOTEBOOK}.ipynb")
    (submitted / "mirror").symlink_to(submitted / "honest", target_is_directory=True)
    (submitted / "borrower").mkdir()
    (submitted / "borrower" / ASSIGNMENT).symlink_to(submitted / "honest" / ASSIGNMENT, target_is_directory=True)
    leaker = folder("leaker")
    (leaker / f"{NOTEBOOK}.ipynb").write_text(snooping, encoding="utf-8")
    (leaker / "secret.txt").symlink_to(outside)
    (leaker / "sub").mkdir()
    (leaker / "sub" / "secret.txt").symlink_to(outside)
    (leaker / "sub" / "kept.txt").write_text("kept", encoding="utf-8")
    (leaker / "solutions").symlink_to(root / course.SOURCE, target_is_directory=True)
    os.mkfifo(leaker / "pipe")
    (leaker / "page.html").write_text("<script>window.__pwned = 1</script>", encoding="utf-8")

    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade", "--quiet"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    scores: dict[str, float] = {}
    with (root / course.REPORTS / "grades.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["assignment"] == ASSIGNMENT:
                scores[row["student_id"]] = scores.get(row["student_id"], 0.0) + float(row["score"])
    summary = (root / course.REPORTS / "summary.txt").read_text(encoding="utf-8")
    return root, scores, summary


def block(summary: str, student: str) -> str:
    lines = summary.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{student}:"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")), len(lines))
    return "\n".join(lines[start:end])


def test_honest_work_keeps_full_marks(graded):
    _, scores, _ = graded
    assert scores["honest"] == full_marks() > 0
    assert scores["leaker"] == full_marks()


@pytest.mark.parametrize("student, reason", [
    ("symlinked", f"notebook {NOTEBOOK}.ipynb is a symbolic link: not graded"),
    ("hardlinked", f"notebook {NOTEBOOK}.ipynb is a hard link"),
    ("mirror", "not graded: submitted/mirror is a symbolic link, not a folder"),
    ("borrower", f"not graded: submitted/borrower/{ASSIGNMENT} is a symbolic link, not a folder"),
])
def test_a_linked_notebook_or_folder_scores_zero_with_the_reason(graded, student, reason):
    root, scores, summary = graded
    assert scores[student] == 0
    assert reason in block(summary, student)
    assert not (root / "autograded" / student).exists()


def test_links_and_special_files_are_left_out_with_a_note(graded):
    root, _, summary = graded
    notes = block(summary, "leaker")
    for entry in ("secret.txt: a symbolic link", "sub/secret.txt: a symbolic link", "solutions: a symbolic link",
                  "pipe: a FIFO", "page.html: a browser would open it"):
        assert f"left out {entry}" in notes
    autograded = root / "autograded" / "leaker" / ASSIGNMENT
    assert (autograded / f"{NOTEBOOK}.ipynb").is_file()   # autograded/ holds the graded notebooks only
    for name in ("secret.txt", "sub/secret.txt", "pipe", "solutions", "page.html"):
        assert not os.path.lexists(autograded / name), name
    nb = nbformat.read(autograded / f"{NOTEBOOK}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "kept.txt" not in printed and "sub" in printed    # the snooping cell ran in the scratch copy
    assert "secret.txt unreadable: FileNotFoundError" in printed
    assert SECRET not in printed


def test_feedback_and_the_originals_are_untouched(graded):
    root, _, _ = graded
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "feedback"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    feedback = root / "feedback"
    assert {p.parts[len(feedback.parts)] for p in feedback.rglob("*.html")} == {"honest", "leaker"}
    assert not any(p.is_symlink() or SECRET in p.read_text(errors="replace") for p in feedback.rglob("*")
                   if not p.is_dir())
    leaker = root / course.SUBMITTED / "leaker" / ASSIGNMENT
    assert (leaker / "secret.txt").is_symlink() and stat.S_ISFIFO(os.lstat(leaker / "pipe").st_mode)


def test_a_link_swapped_in_after_the_check_is_not_followed(tmp_path):
    """The walker opens each name with O_NOFOLLOW on its parent's descriptor: a folder
    replaced by a link between listing and opening is refused, not followed."""
    base = tmp_path / "submission"
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(SECRET, encoding="utf-8")
    (base / "sub").mkdir(parents=True)
    (base / "sub" / "kept.txt").write_text("kept", encoding="utf-8")
    with safefiles.open_folder(base, "sub") as fd:
        (base / "sub").rename(base / "moved")
        (base / "sub").symlink_to(tmp_path / "outside", target_is_directory=True)
        assert safefiles.read_file(fd, "kept.txt") == b"kept"   # still the folder that was checked
    with pytest.raises(safefiles.Refused, match="symbolic link"):
        with safefiles.open_folder(base, "sub"):
            pass
    with safefiles.open_folder(base) as fd:
        notes = safefiles.copy_tree(fd, tmp_path / "copy")
    assert notes == ["left out sub: a symbolic link"]
    assert (tmp_path / "copy" / "moved" / "kept.txt").exists() and not (tmp_path / "copy" / "sub").exists()


def test_prepare_refuses_a_notebook_that_is_a_fifo(tmp_path):
    root = copy_course(tmp_path / "course")
    folder = root / course.SUBMITTED / "sam" / ASSIGNMENT
    folder.mkdir(parents=True)
    os.mkfifo(folder / f"{NOTEBOOK}.ipynb")   # opening it would block a reader forever
    prepared = submissions.prepare(root, "sam", ASSIGNMENT, tmp_path / "inbox")
    assert prepared.notebooks == []
    assert prepared.notes == [f"notebook {NOTEBOOK}.ipynb is a FIFO: not graded, scored 0"]
