"""``python -m autograder roster FILE`` puts the class's names, e-mails and LMS ids in the
gradebook, where formgrader and ``reports/gradebook.csv`` show them."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from autograder import course, grade
from autograder.roster import split_name

ASSIGNMENT = "01_translation"


@pytest.mark.parametrize(("name", "split"), [
    ("Ada Lovelace", ("Ada", "Lovelace")),
    ("  Ada   King  Lovelace ", ("Ada King", "Lovelace")),
    ("van Gemert, Jan", ("Jan", "van Gemert")),
    ("Plato", ("", "Plato")),
    ("", ("", "")),
])
def test_a_name_splits_into_first_and_last(name, split):
    assert split_name(name) == split


def test_split_name_rejects_what_is_not_text():
    with pytest.raises(TypeError, match="must be a string"):
        split_name(None)


def run(root, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), *args], cwd=root,
                          env=course.nbgrader_env(), capture_output=True, text=True, check=False, timeout=600)


def test_the_roster_names_the_students_of_the_gradebook_and_its_export(scratch_course, tmp_path):
    url = course.db_url(scratch_course)
    grade.register(scratch_course, url, [ASSIGNMENT], ["s1", "s9"])
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id,name,email,section\ns1,SIS-1,Ada King Lovelace,ada@example.org,A\n"
                      "s2,SIS-2,\"Turing, Alan\",,B\n", encoding="utf-8")
    done = run(scratch_course, "roster", str(roster))
    assert done.returncode == 0, done.stderr
    assert "2 students" in done.stdout and "1 added, 1 updated" in done.stdout
    with Gradebook(url) as gradebook:
        found = {s.id: (s.first_name, s.last_name, s.email, s.lms_user_id) for s in gradebook.students}
    assert found == {"s1": ("Ada King", "Lovelace", "ada@example.org", "SIS-1"),
                     "s2": ("Alan", "Turing", None, "SIS-2"), "s9": (None, None, None, None)}
    assert run(scratch_course, "export").returncode == 0
    with (scratch_course / course.REPORTS / "gradebook.csv").open(newline="", encoding="utf-8") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] == ASSIGNMENT}
    assert (rows["s1"]["first_name"], rows["s1"]["last_name"], rows["s1"]["email"]) == \
        ("Ada King", "Lovelace", "ada@example.org")
    assert (rows["s2"]["first_name"], rows["s2"]["last_name"]) == ("Alan", "Turing")
    # a second import updates, and grading later keeps the names
    roster.write_text("student_id,lms_id,name\ns1,SIS-1,Ada Lovelace\n", encoding="utf-8")
    done = run(scratch_course, "roster", str(roster))
    assert done.returncode == 0 and "0 added, 1 updated" in done.stdout
    grade.register(scratch_course, url, [ASSIGNMENT], ["s1"])
    with Gradebook(url) as gradebook:
        assert (gradebook.find_student("s1").first_name, gradebook.find_student("s1").last_name) == ("Ada", "Lovelace")


def test_a_bad_roster_is_refused_in_plain_words(scratch_course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\ns1,Ada\n", encoding="utf-8")
    done = run(scratch_course, "roster", str(roster))
    assert done.returncode == 2 and "lacks the column(s) lms_id" in done.stderr and "Traceback" not in done.stderr
    assert not (scratch_course / "gradebook.db").exists()
