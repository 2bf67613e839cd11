"""The instructor's term as ``docs/instructors.md`` writes it: each command is taken from the
document as it stands (a changed command fails here until it runs), run in a shell in a scratch
course whose ``.venv`` is this one, and its effect checked."""

from __future__ import annotations

import csv
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import course
from conftest import ROOT, copy_course, submission

DOC = ROOT / "docs" / "instructors.md"


def written(command: str) -> str:
    """``command`` as the document writes it (it must be there), ready for a shell: optional
    ``[...]`` parts left out, the first of ``a|b`` choices taken."""
    assert command in DOC.read_text(encoding="utf-8"), f"docs/instructors.md no longer says {command!r}"
    command = re.sub(r" \[[^\]]*\]", "", command)
    return re.sub(r"(\w+)\|\w+", r"\1", command)


def shell(root: Path, command: str, **placeholders: str) -> subprocess.CompletedProcess[str]:
    """Run the document's ``command`` in the course ``root``, as an instructor would, with
    ``python`` and ``nbgrader`` those of ``.venv/bin``."""
    line = written(command)
    for name, value in placeholders.items():
        line = line.replace(name, value)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_")}
    env.update(PATH=f"{root / '.venv' / 'bin'}{os.pathsep}{env['PATH']}", OPENBLAS_NUM_THREADS="1")
    done = subprocess.run(["bash", "-c", line], cwd=root, env=env, capture_output=True, text=True, check=False,
                          timeout=1800)
    assert done.returncode == 0 and "Traceback" not in done.stderr, (line, done.stderr[-3000:])
    return done


@pytest.fixture
def term_course(tmp_path: Path) -> Path:
    root = copy_course(tmp_path / "course")
    (root / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    for assignment, student in (("02_equivariance", "s042"), ("01_translation", "s042")):
        (notebook,) = [p.stem for p in course.source_notebooks(ROOT, assignment)]
        folder = root / course.SUBMITTED / student / assignment
        folder.mkdir(parents=True)
        (folder / f"{notebook}.ipynb").write_text(submission(assignment, notebook, {}), encoding="utf-8")
    return root


def test_the_instructors_term_as_documented(term_course, tmp_path):
    root = term_course
    gradebook = tmp_path / "gradebook.db"
    url = f"sqlite:///{gradebook}"
    # Secrets: the gradebook's URL in the untracked local file, readable by its owner only
    shell(root, "install -m 0600 /dev/null nbgrader_config.local.py")
    local = root / "nbgrader_config.local.py"
    assert stat.S_IMODE(local.stat().st_mode) == 0o600
    local.write_text(f"c.CourseDirectory.db_url = {url!r}\n", encoding="utf-8")
    # due dates: nbgrader's own command, on the gradebook of the local file
    shell(root, '.venv/bin/nbgrader db assignment add 01_translation --duedate="2026-12-07 17:00:00 UTC"')
    with Gradebook(url) as book:
        assert str(book.find_assignment("01_translation").duedate).startswith("2026-12-07 17:00")
    # the roster
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id,name,email\ns042,SIS-42,Ada King Lovelace,ada@example.org\n",
                      encoding="utf-8")
    done = shell(root, "python -m autograder roster FILE [--db URL]", FILE=str(roster))
    assert "1 added" in done.stdout
    # grading part of the class
    shell(root, "python -m autograder grade --student s042 --assignment 02_equivariance")
    with (root / course.REPORTS / "grades.csv").open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["student_id"] == "s042"]
    graded = [r for r in rows if r["assignment"] == "02_equivariance"]
    assert graded and all(float(r["score"]) == float(r["max_score"]) for r in graded)
    assert all(float(r["score"]) == 0 for r in rows if r["assignment"] == "01_translation")   # not graded yet
    # feedback and exports
    shell(root, "python -m autograder feedback [--db URL] [-j N]")
    assert list((root / "feedback" / "s042" / "02_equivariance").glob("*.html"))
    shell(root, "python -m autograder export [--db URL]")
    with (root / course.REPORTS / "gradebook.csv").open(newline="", encoding="utf-8") as handle:
        exported = [r for r in csv.DictReader(handle) if r["student_id"] == "s042"]
    assert exported and all((r["first_name"], r["last_name"]) == ("Ada King", "Lovelace") for r in exported)
    done = shell(root, "python -m autograder export --lms canvas|moodle --roster FILE [--missing-as-zero] [--db URL]",
                 FILE=str(roster))
    assert "wrote" in done.stdout and (root / course.REPORTS / "canvas-grades.csv").is_file()
    assert not (root / "gradebook.db").exists(), "a command did not use the gradebook of nbgrader_config.local.py"
    # an extension and a waiver as the document writes them, and the class's status
    done = shell(root, "python -m autograder extension s042 01_translation --days 2")
    assert "s042 01_translation: extension of 2 days" in done.stdout
    assert shell(root, "python -m autograder waive s042 01_translation").stdout.startswith(
        "s042 01_translation: late penalty waived")
    status = shell(root, "python -m autograder status [--db URL]").stdout
    assert "01_translation: 1 handed in" in status and "s042: extension of 2 days, late penalty waived" in status
    assert not (root / "gradebook.db").exists(), "a command did not use the gradebook of nbgrader_config.local.py"
