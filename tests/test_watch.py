"""Grading on arrival (``python -m autograder watch``) through the real exchange, as on a JupyterHub.

The instructor releases ``01_translation``; students fetch and hand in with their own user ids
and nbgrader caches (the helpers of ``test_exchange.py``), and the service, run with ``--once``
as cron would, collects, grades, makes and releases each student's feedback, which the student's
``nbgrader fetch_feedback`` receives. Each rule has its test: only complete hand-ins are taken
(a partial one waits and is graded on a later pass), the newest hand-in wins, a rewritten
``timestamp.txt`` is flagged, hostile inbound entries stop nothing, and a service killed with
SIGKILL after any step and started again ends where an uninterrupted run ends.
"""

from __future__ import annotations

import contextlib
import csv
import html
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import course, demo, late, watch, watchstate
from conftest import copy_course
from test_exchange import ASSIGNMENT, COURSE_ID, STUDENTS, nbgrader, ok, plant

pytestmark = [pytest.mark.xdist_group("exchange"),
              pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")]

NOTEBOOK = f"{ASSIGNMENT}.ipynb"


class Class:
    """A course with a throwaway exchange and students who are Unix users of their own (by
    default those of ``test_exchange.STUDENTS``), with ``assignments`` released (default: one)."""

    def __init__(self, base: Path, students: dict[str, int] | None = None,
                 assignments: tuple[str, ...] = (ASSIGNMENT,)) -> None:
        self.base = base
        self.students = students or {name: uid for name, (uid, _) in STUDENTS.items()}
        self.root = copy_course(base / "course")
        for assignment in course.assignments(self.root):   # few assignments keep it quick
            if assignment not in assignments:
                for folder in (course.SOURCE, course.RELEASE):
                    shutil.rmtree(self.root / folder / assignment)
        self.exchange = Path(tempfile.mkdtemp(prefix="nbgrader-exchange-"))
        self.exchange.chmod(0o777)
        self.option = f"--Exchange.root={self.exchange}"
        # where the service finds the exchange: the course's untracked local configuration
        (self.root / "nbgrader_config.local.py").write_text(f"c.Exchange.root = {str(self.exchange)!r}\n")
        self.inbound = self.exchange / COURSE_ID / "inbound"
        self.passwd = base / "passwd"
        self.passwd.write_text(Path("/etc/passwd").read_text() + "".join(
            f"{name}:x:{uid}:{uid}::{base / name}:/bin/sh\n" for name, uid in self.students.items()))
        for assignment in assignments:
            ok(nbgrader("release_assignment", assignment, self.option, cwd=self.root))

    def as_student(self, student: str, *args: str) -> str:
        home = self.base / student
        (home / "work").mkdir(parents=True, exist_ok=True)
        return ok(nbgrader(*args, f"--course={COURSE_ID}", self.option, f"--Exchange.cache={home / 'cache'}",
                           user=student, uid=self.students[student], home=home, passwd=self.passwd,
                           cwd=home / "work"))

    def hand_in(self, student: str, whose: str | None, assignment: str = ASSIGNMENT) -> Path:
        """``student`` fetches ``assignment`` (once) and submits ``whose`` demo notebook of it
        (None: the release untouched); the new inbound folder."""
        work = self.base / student / "work"
        if not (work / assignment).exists():
            self.as_student(student, "fetch_assignment", assignment)
        if whose is not None:
            shutil.copyfile(demo.DEMO / "submitted" / whose / assignment / f"{assignment}.ipynb",
                            work / assignment / f"{assignment}.ipynb")
        pattern = f"{student}+{assignment}+*"
        before = set(self.inbound.glob(pattern)) if self.inbound.exists() else set()
        time.sleep(0.01)   # a new name (the time in it) for each hand-in
        self.as_student(student, "submit", assignment)
        (new,) = set(self.inbound.glob(pattern)) - before
        return new

    def watch(self, *args: str, kill_after: str | None = None) -> subprocess.CompletedProcess:
        env = course.nbgrader_env()
        env.pop(watch.KILL_HOOK, None)
        if kill_after:
            env[watch.KILL_HOOK] = kill_after
        return subprocess.run([sys.executable, "-m", "autograder", "watch", "--once", "--settle", "0", *args],
                              cwd=self.root, env=env, capture_output=True, text=True, timeout=600, check=False)

    def pages(self, student: str, assignment: str = ASSIGNMENT) -> list[Path]:
        self.as_student(student, "fetch_feedback", assignment)
        return sorted((self.base / student / "work" / assignment / "feedback").glob(f"*/{assignment}.html"))

    def scores(self, student: str, assignment: str = ASSIGNMENT) -> dict[str, float | None]:
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gradebook:
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            return {grade.name: grade.auto_score for grade in notebook.grades}

    def rows(self, student: str) -> list[list[str]]:
        with (self.root / course.REPORTS / "grades.csv").open(encoding="utf-8") as handle:
            return [row for row in csv.reader(handle) if row[0] == student]

    def summary(self, student: str) -> str:
        lines = (self.root / course.REPORTS / "summary.txt").read_text(encoding="utf-8").splitlines()
        start = lines.index(next(line for line in lines if line.startswith(f"{student}: ")))
        return "\n".join([lines[start], *itertools.takewhile(lambda line: line.startswith(" "), lines[start + 1:])])

    def outbound(self) -> list[Path]:
        return sorted((self.exchange / COURSE_ID / "feedback").glob("*.html"))

    def close(self) -> None:
        subprocess.run(["rm", "-rf", str(self.exchange)], check=False)


@pytest.fixture(scope="module")
def arrivals(tmp_path_factory: pytest.TempPathFactory):
    """Two passes of the service: the first with s2's hand-in incomplete, the second with it whole."""
    taught = Class(tmp_path_factory.mktemp("watch"))
    try:
        logs = {"start": ok(taught.watch())}   # nothing yet: the service's first look
        stub = taught.hand_in("s1", None)       # an early hand-in, then the real one: the newest wins
        newest = taught.hand_in("s1", "ada")
        s2 = taught.hand_in("s2", "cy")
        # a hand-in for an assignment the course does not have, and a flood of empty folders
        unknown = taught.inbound / "s2+99_nothing+2026-12-01 10:00:00.000000 UTC+x"
        shutil.copytree(s2, unknown)
        plant(taught.root, taught.inbound)      # links, FIFOs, forged owners and odd names (test_exchange)
        # s1 rewrites the time their hand-in claims: years before the service saw it appear
        (newest / "timestamp.txt").write_text("2020-01-01 10:00:00.000000 UTC")
        for n in range(20):
            (taught.inbound / f"e{n}+{ASSIGNMENT}+2026-12-01 10:00:00.000000 UTC+empty").mkdir()
        # s2's hand-in caught half-way: notebooks there, timestamp and secret not yet
        aside = taught.base / "aside"
        aside.mkdir()
        for name in ("timestamp.txt", "submission_secret.txt"):
            shutil.move(s2 / name, aside / name)
        logs["first"] = ok(taught.watch())
        first = {"s2 graded": (taught.root / "autograded" / "s2").exists(), "journal": watchstate.load(taught.root),
                 "status": ok(subprocess.run([sys.executable, "-m", "autograder", "status"], cwd=taught.root,
                                             env=course.nbgrader_env(), capture_output=True, text=True, check=False))}
        for name in ("timestamp.txt", "submission_secret.txt"):
            shutil.move(aside / name, s2 / name)
        logs["second"] = ok(taught.watch())
        yield {"class": taught, "logs": logs, "first": first, "stub": stub, "newest": newest, "s2": s2,
               "unknown": unknown, "pages": {s: taught.pages(s) for s in STUDENTS}}
    finally:
        taught.close()


def test_each_student_receives_the_feedback_of_their_newest_hand_in(arrivals: dict):
    taught = arrivals["class"]
    journal = watchstate.load(taught.root)
    assert journal.jobs == {} and journal.failed == {}
    assert journal.done[arrivals["newest"].name] == "feedback released"
    assert journal.done[arrivals["stub"].name].startswith("superseded by")
    assert journal.done[arrivals["s2"].name] == "feedback released"
    for student in STUDENTS:
        assert len(arrivals["pages"][student]) == 1, (student, taught.outbound(), arrivals["logs"])
    assert len(taught.outbound()) == len(STUDENTS)
    # s1's grade is that of the notebook handed in last (ada's), not of the untouched release
    assert sum(v or 0 for v in taught.scores("s1").values()) > 0
    page = arrivals["pages"]["s1"][0].read_text(encoding="utf-8")
    total = sum(v or 0 for v in taught.scores("s1").values())
    assert f"Score: {total:g}" in page or f"Score: {total}" in page


def test_a_partial_hand_in_waits_and_is_graded_once_complete(arrivals: dict):
    first = arrivals["first"]
    assert not first["s2 graded"]
    assert "no timestamp.txt, submission_secret.txt yet" in first["journal"].waiting[arrivals["s2"].name]
    assert "s2" not in {key.split("/")[0] for key in first["journal"].jobs}
    assert "waiting (incomplete" in first["status"] and arrivals["s2"].name in first["status"]
    assert (arrivals["class"].root / "autograded" / "s2" / ASSIGNMENT / NOTEBOOK).is_file()


def test_a_rewritten_timestamp_is_flagged(arrivals: dict):
    first = arrivals["first"]
    flag = first["journal"].flags[arrivals["newest"].name]
    assert "timestamp.txt says 2020-01-01 10:00:00 UTC" in flag
    assert "flagged" in first["status"] and "2020-01-01" in first["status"]


def test_a_student_new_to_the_gradebook_is_graded_added_and_shown(arrivals: dict):
    assert "new students (not in the gradebook before: graded and added)" in arrivals["first"]["status"]
    assert "s1 was not in the gradebook: graded and added" in arrivals["first"]["status"]
    from autograder.watch import gradebook_students
    assert set(STUDENTS) <= gradebook_students(course.db_url(arrivals["class"].root))
    assert "2020-01-01 10:00:00 UTC" in (arrivals["class"].root / ".watch" / "watch.log").read_text()


def test_hostile_entries_are_refused_or_set_aside_and_stop_nothing(arrivals: dict):
    journal = arrivals["first"]["journal"]
    refused = "\n".join(f"{name}: {why}" for name, why in journal.refused.items())
    for part, why in (("forged", "owned by the user nobody, not by s1"), ("odd", "it is not a student id"),
                      ("no time+x", "'no time' is not a time"), ("fifo", "a FIFO, not a folder"),
                      ("link", "a symbolic link, not a folder")):
        assert any(part in name and why in text for name, text in journal.refused.items()), (part, refused)
    assert "99_nothing" in journal.set_aside[arrivals["unknown"].name]
    assert "set aside" in arrivals["first"]["status"]
    assert sum(name.startswith("e") for name in journal.waiting) == 20
    taught = arrivals["class"]
    assert sorted(p.name for p in (taught.root / course.SUBMITTED).iterdir()) == sorted(STUDENTS)
    s2 = taught.root / course.SUBMITTED / "s2" / ASSIGNMENT
    assert sorted(p.name for p in s2.iterdir()) == [NOTEBOOK, "submission_secret.txt", "timestamp.txt"]
    assert "left out answers.ipynb: a symbolic link" in arrivals["logs"]["second"]
    assert not (taught.root / "submitted" / "99_nothing").exists()


def test_a_second_service_on_the_same_course_is_refused(arrivals: dict, tmp_path: Path):
    taught = arrivals["class"]
    with watch._only_one(taught.root):
        done = taught.watch()
        # one writer: batch grading and feedback are refused while the service runs
        batch = {command: subprocess.run([sys.executable, "-m", "autograder", command], cwd=taught.root,
                                         env=course.nbgrader_env(), capture_output=True, text=True, timeout=120,
                                         check=False) for command in ("grade", "feedback")}
    assert done.returncode == 2 and "another `python -m autograder watch` is running" in done.stderr
    assert "Traceback" not in done.stderr
    for command, refused in batch.items():
        assert refused.returncode == 2, (command, refused.stdout + refused.stderr)
        assert f"python -m autograder {command}: another `python -m autograder watch` is running" in refused.stderr
        assert "stop the watch service" in refused.stderr and "Traceback" not in refused.stderr
    # and the other way round: a service does not start while batch grading runs
    with watchstate.hold(taught.root, "grade"):
        done = taught.watch()
    assert done.returncode == 2 and "another `python -m autograder grade` is running" in done.stderr


def test_killed_after_any_step_and_started_again_it_ends_as_an_uninterrupted_run(arrivals: dict,
                                                                                  tmp_path: Path):
    """SIGKILL right after each step (before the journal records it), one after the other, then
    a run to the end: the gradebook, reports and exchange are those of the uninterrupted run."""
    reference = arrivals["class"]
    taught = Class(tmp_path)
    try:
        taught.hand_in("s1", "ada")
        for step in ("collect", "grade", "feedback", "release"):
            done = taught.watch(kill_after=step)
            assert done.returncode == -signal.SIGKILL, (step, done.stdout + done.stderr)
        journal = watchstate.load(taught.root)
        assert [job["step"] for job in journal.jobs.values()] == ["feedback"]   # the release not yet recorded
        ok(taught.watch())
        assert watchstate.load(taught.root).jobs == {}
        assert taught.scores("s1") == reference.scores("s1")
        assert taught.rows("s1") == reference.rows("s1")
        assert taught.summary("s1") == reference.summary("s1")
        (released,) = taught.outbound()   # released once, under one name
        page = taught.root / "feedback" / "s1" / ASSIGNMENT / f"{ASSIGNMENT}.html"
        assert released.read_bytes() == page.read_bytes()
        assert len(taught.pages("s1")) == 1
        assert json.loads((taught.root / ".watch" / "journal.json").read_text())["failed"] == {}
        # handed in again at once, with a cooldown of an hour: it waits, reported, not graded
        again = taught.hand_in("s1", "cy")
        ok(taught.watch("--cooldown", "3600"))
        journal = watchstate.load(taught.root)
        assert "within the cooldown" in journal.waiting[again.name] and journal.jobs == {}
        assert taught.scores("s1") == reference.scores("s1")
    finally:
        taught.close()


def test_a_hand_in_that_cannot_be_graded_gets_a_page_saying_why(tmp_path: Path):
    """s2 hands in a notebook that is not JSON: the job fails, and s2's ``fetch_feedback``
    receives a page naming the unreadable notebook, with no traceback and no test in it. Before
    that, ``--roster-only`` sets the hand-in aside: s2 is not in the gradebook yet."""
    taught = Class(tmp_path)
    try:
        taught.as_student("s2", "fetch_assignment", ASSIGNMENT)
        work = taught.base / "s2" / "work" / ASSIGNMENT / NOTEBOOK
        work.write_text("{ this is not a notebook", encoding="utf-8")
        taught.hand_in("s2", None)
        ok(taught.watch("--roster-only"))
        (aside,) = watchstate.load(taught.root).set_aside.values()
        assert "s2 is not in the gradebook (--roster-only" in aside
        assert not (taught.root / course.SUBMITTED / "s2").exists() and taught.outbound() == []
        status = ok(subprocess.run([sys.executable, "-m", "autograder", "status"], cwd=taught.root,
                                   env=course.nbgrader_env(), capture_output=True, text=True, check=False))
        assert "s2 is not in the gradebook" in status
        logs = ok(taught.watch())
        journal = watchstate.load(taught.root)
        assert "s2/" + ASSIGNMENT in journal.failed, logs
        assert journal.set_aside == {}
        (page,) = taught.pages("s2")
        text = page.read_text(encoding="utf-8")
        assert "not graded" in text and f"notebook {NOTEBOOK} cannot be read" in text, text
        assert "Traceback" not in text and "assert" not in text and "<script" not in text
        assert "the student is told why" in logs
        # a hand-in over the course's size limit is refused before it is collected: s2 is told that too
        (taught.root / "nbgrader_config.local.py").open("a").write("c.CourseDirectory.max_dir_size = 1\n")
        taught.hand_in("s2", "cy")
        ok(taught.watch())
        pages = [page.read_text(encoding="utf-8") for page in taught.pages("s2")]
        assert len(pages) == 2 and any("more than CourseDirectory.max_dir_size (1 kB)" in page for page in pages)
    finally:
        taught.close()


#: What cy's notebook gets from the hidden test of 01_translation (its output, as the page's text
#: reads once its character references are decoded: :func:`page_text`), and the panel of that cell.
HIDDEN_OUTPUT = "1x7 image>, 2, -3, mode='wrap') has 7 wrong value"
HIDDEN_PANEL = re.compile(r'name="test_translate_hidden">.*?Score: ([^<]*?) / 2', re.DOTALL)


def page_text(page: Path) -> str:
    """The HTML of ``page`` with its character references decoded (``&#39;`` and ``'`` alike)."""
    return html.unescape(page.read_text(encoding="utf-8"))


def test_hidden_results_are_withheld_until_the_students_own_due_date(arrivals: dict, tmp_path: Path):
    """``--hidden-results at-due-date``: the due date has passed but s2 has an extension, so s2's
    page shows neither the hidden test's score nor its output; once the extension is taken back
    the service releases the full page, which the next ``fetch_feedback`` replaces it with.
    On arrival (the default, ``arrivals``), the same notebook's page shows both."""
    on_arrival = page_text(arrivals["pages"]["s2"][0])
    assert HIDDEN_OUTPUT in on_arrival and HIDDEN_PANEL.search(on_arrival).group(1).strip() == "0.0"
    taught = Class(tmp_path)
    try:
        ok(nbgrader("db", "assignment", "add", ASSIGNMENT, "--duedate=2020-01-01 00:00:00 UTC",
                    f"--db={course.db_url(taught.root)}", cwd=taught.root))
        exceptions = late.Exceptions.load(taught.root)
        exceptions.extensions[("s2", ASSIGNMENT)] = 100 * 365 * late.SECONDS_PER_DAY
        exceptions.save(taught.root)
        taught.hand_in("s2", "cy")
        ok(taught.watch("--hidden-results", "at-due-date"))
        assert list(watchstate.load(taught.root).withheld) == [f"s2/{ASSIGNMENT}"]
        (page,) = taught.pages("s2")
        withheld = page_text(page)
        assert HIDDEN_OUTPUT not in withheld and "BEGIN HIDDEN" not in withheld
        assert HIDDEN_PANEL.search(withheld).group(1).strip() == "shown after the due date"
        assert re.search(r"Score: [\d.]+ / [\d.]+; [\d.]+ points of hidden tests shown after the due date", withheld)
        status = ok(subprocess.run([sys.executable, "-m", "autograder", "status"], cwd=taught.root,
                                   env=course.nbgrader_env(), capture_output=True, text=True, check=False))
        assert "withheld until the student's due date" in status and f"s2/{ASSIGNMENT}" in status
        exceptions.extensions.clear()   # now past the due date: the full page is released
        exceptions.save(taught.root)
        ok(taught.watch("--hidden-results", "at-due-date"))
        assert watchstate.load(taught.root).withheld == {}
        (page,) = taught.pages("s2")
        full = page_text(page)
        assert HIDDEN_OUTPUT in full and HIDDEN_PANEL.search(full).group(1).strip() == "0.0"
        assert "BEGIN HIDDEN" not in full
        assert len(taught.outbound()) == 1
    finally:
        taught.close()


#: How many random-moment kills ``test_killed_at_random_moments...`` makes (each costs a grading, so
#: none by default; CI sets 20).
RANDOM_KILLS = "AUTOGRADER_TEST_RANDOM_KILLS"


def test_killed_at_random_moments_it_ends_as_an_uninterrupted_run(arrivals: dict, tmp_path: Path):
    """Each round a student hands in again (s1 ada's notebook, s2 cy's, by turns), the service is
    killed with SIGKILL at a random moment (its whole process group, as systemd kills a unit's
    processes), then run to the end: no job is left or failed, every hand-in's page is released
    exactly once, and the scores, ``grades.csv`` rows and summary are the uninterrupted run's."""
    rounds = int(os.environ.get(RANDOM_KILLS) or 0)
    if rounds <= 0:
        pytest.skip(f"set {RANDOM_KILLS}=20 to kill the service at 20 random moments (about 20 s each)")
    reference = arrivals["class"]
    taught = Class(tmp_path)
    rng = random.Random(26)
    env = course.nbgrader_env()
    env.pop(watch.KILL_HOOK, None)
    moments = []
    try:
        for n in range(rounds):
            student, whose = ("s1", "ada") if n % 2 == 0 else ("s2", "cy")
            taught.hand_in(student, whose)
            running = subprocess.Popen([sys.executable, "-m", "autograder", "watch", "--once", "--settle", "0"],
                                       cwd=taught.root, env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
            moments.append(round(rng.uniform(0.5, 8.0), 2))
            try:
                running.wait(timeout=moments[-1])
            except subprocess.TimeoutExpired:
                os.killpg(running.pid, signal.SIGKILL)
                running.wait()
            ok(taught.watch())
            journal = watchstate.load(taught.root)
            assert journal.jobs == {} and journal.failed == {}, (moments, journal)
        assert len(taught.outbound()) == rounds, moments   # each hand-in's page, once
        for student in STUDENTS:
            assert taught.scores(student) == reference.scores(student), (student, moments)
            assert taught.rows(student) == reference.rows(student)
            assert taught.summary(student) == reference.summary(student)
    finally:
        taught.close()


def test_through_the_workers_a_hand_in_is_graded_as_on_this_machine(arrivals: dict, tmp_path: Path):
    """``watch --broker URL``: the same hand-in graded by a worker gives the same cells' scores."""
    from test_workers import Worker, broker_url, one_assignment_course

    url = broker_url()   # skipped without $AUTOGRADER_TEST_REDIS_URL, as the worker tests are
    worker = Worker(one_assignment_course(tmp_path / "worker"), url, tmp_path / "worker.log")
    taught = Class(tmp_path / "class")
    try:
        worker.wait_for(" ready.")
        taught.hand_in("s1", "ada")
        ok(taught.watch("--broker", url))
        assert watchstate.load(taught.root).failed == {}
        assert taught.scores("s1") == arrivals["class"].scores("s1")
        assert len(taught.pages("s1")) == 1
    finally:
        worker.stop()
        taught.close()


def test_an_unreadable_journal_is_a_clear_message(tmp_path: Path):
    root = copy_course(tmp_path / "course")
    (root / watchstate.FOLDER).mkdir()
    (root / watchstate.FOLDER / watchstate.JOURNAL).write_text("{ half written")
    done = subprocess.run([sys.executable, "-m", "autograder", "watch", "--once"], cwd=root,
                          env=course.nbgrader_env(), capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "journal.json cannot be read" in done.stderr and "move it away" in done.stderr
    assert "Traceback" not in done.stderr


@contextlib.contextmanager
def running_service(taught: Class, log: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """``python -m autograder watch --settle 1 ARGS`` left running on ``taught`` (its own process
    group, its output in ``log``), stopped when the block ends."""
    env = dict(env or course.nbgrader_env())
    env.pop(watch.KILL_HOOK, None)
    with log.open("w") as out:
        service = subprocess.Popen([sys.executable, "-m", "autograder", "watch", "--settle", "1", *args],
                                   cwd=taught.root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while "watching" not in log.read_text():
            assert service.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        yield service
    finally:
        os.killpg(service.pid, signal.SIGTERM)
        service.wait()


def wait_until_done(taught: Class, service: subprocess.Popen, log: Path, names: list[str],
                    patience: float = 900.0) -> watchstate.Journal:
    """Wait until the journal says what became of every inbound entry in ``names``, and the
    reports and late penalties are caught up."""
    deadline = time.monotonic() + patience
    while True:
        journal = watchstate.load(taught.root)
        if all(name in journal.done for name in names) and not journal.reports_stale:
            return journal
        assert service.poll() is None, f"the service stopped:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"not done in {patience} s:\n{log.read_text()[-3000:]}"
        time.sleep(0.3)


def cell_scores(db_url: str) -> dict[tuple[str, str, str, str], tuple[float | None, float]]:
    """Every graded cell of every submission in the gradebook: (student, assignment, notebook,
    cell) -> (its automatic score, its points)."""
    with Gradebook(db_url) as gradebook:
        return {(submission.student.id, assignment.name, notebook.name, grade.name): (grade.auto_score, grade.max_score)
                for assignment in gradebook.assignments for submission in assignment.submissions
                for notebook in submission.notebooks for grade in notebook.grades}


#: A burst: each hand-in by a student of their own, (assignment, whose demo notebook it is): full
#: marks (ada), mistakes (cy), cheats and nuisances (eve), the release untouched (ben), and dee's
#: notebook of 01_translation, cut short (not JSON: it cannot be graded).
BURST = [("01_translation", "ada"), ("02_equivariance", "cy"), ("01_translation", "cy"),
         ("02_equivariance", "ada"), ("01_translation", "dee"), ("02_equivariance", "ben"),
         ("01_translation", "eve"), ("02_equivariance", "eve")]
BROKEN = "dee"


def test_a_burst_of_hand_ins_is_graded_as_batch_grading_grades_them(tmp_path: Path):
    """Eight students hand in at once (two assignments, some answers wrong, one notebook broken)
    while the service runs, three at a time (``--per-pass 3``): the first pages are out before the
    last hand-ins are graded, every hand-in gets its page, the broken one a page saying why, and
    the gradebook and ``grades.csv`` hold, cell by cell, what ``python -m autograder grade`` gives
    on the same submissions in a course of its own."""
    students = {f"b{n}": 2001 + n for n in range(len(BURST))}
    taught = Class(tmp_path / "watched", students, assignments=tuple(sorted({a for a, _ in BURST})))
    log = tmp_path / "watch.log"
    try:
        with ThreadPoolExecutor(4) as pool:   # fetched beforehand: the burst is the submits
            list(pool.map(lambda item: taught.as_student(item[0], "fetch_assignment", item[1][0]),
                          zip(students, BURST)))
        with running_service(taught, log, "--per-pass", "3") as service:
            with ThreadPoolExecutor(4) as pool:
                entries = list(pool.map(lambda item: taught.hand_in(item[0], item[1][1], item[1][0]),
                                        zip(students, BURST)))
            journal = wait_until_done(taught, service, log, [entry.name for entry in entries])
        broken = next(f"{student}/{assignment}" for student, (assignment, whose) in zip(students, BURST)
                      if whose == BROKEN)
        assert journal.jobs == {} and list(journal.failed) == [broken], log.read_text()[-3000:]
        # three at a time: the first pages were out before the last hand-ins were graded
        lines = log.read_text().splitlines()
        released = [n for n, line in enumerate(lines) if line.endswith("feedback released")]
        graded = [n for n, line in enumerate(lines) if line.endswith("): graded")]
        assert len(released) == len(BURST) - 1 and released[0] < graded[-1], "\n".join(lines)
        # the class-wide steps (every late penalty, reports/) only when nothing was left to grade:
        # never between a hand-in's "queued" and its "graded"; last after the last one graded
        caught_up = [n for n, line in enumerate(lines) if watch.CAUGHT_UP in line]
        queued_at = {line.split(" INFO ", 1)[1].removesuffix(": queued"): n for n, line in enumerate(lines)
                     if line.endswith(": queued")}
        graded_at = {line.split(" (", 1)[1].removesuffix("): graded"): n for n, line in enumerate(lines)
                     if line.endswith("): graded")}
        assert len(queued_at) == len(graded_at) == len(BURST) and caught_up and caught_up[-1] > graded[-1]
        assert not [(entry, n) for n in caught_up for entry in graded_at if queued_at[entry] < n < graded_at[entry]], \
            "\n".join(lines)
        for entry in entries:
            expected = "failed at" if entry.name == journal.failed[broken]["entry"] else "feedback released"
            assert journal.done[entry.name].startswith(expected), (entry.name, journal.done[entry.name])
        # the same submissions, graded in batch in a course of their own
        batch = copy_course(tmp_path / "batch")
        shutil.copytree(taught.root / course.SUBMITTED, batch / course.SUBMITTED)
        ok(subprocess.run([sys.executable, "-m", "autograder", "grade", "--quiet"], cwd=batch,
                          env=course.nbgrader_env(), capture_output=True, text=True, timeout=900, check=False))
        watched, batched = cell_scores(course.db_url(taught.root)), cell_scores(course.db_url(batch))
        assert watched == batched
        assert {key[:2] for key in watched} == {(s, a) for s, (a, _) in zip(students, BURST)}
        assert any(score == points for score, points in watched.values())          # right answers ...
        assert any(score is not None and score < points for score, points in watched.values())   # ... and wrong ones
        grades = [(taught.root / course.REPORTS / "grades.csv").read_text(), (batch / course.REPORTS / "grades.csv").read_text()]
        assert grades[0] == grades[1]
        # and each student fetches one page: their score, or why it was not graded
        with ThreadPoolExecutor(4) as pool:
            pages = dict(zip(students, pool.map(lambda item: taught.pages(item[0], item[1][0]), zip(students, BURST))))
        for student, (assignment, whose) in zip(students, BURST):
            (page,) = pages[student]
            text = page.read_text(encoding="utf-8")
            if whose == BROKEN:
                assert f"notebook {assignment}.ipynb cannot be read" in text and "Traceback" not in text
            else:
                total = sum(score or 0 for (s, a, _, _), (score, _) in watched.items() if (s, a) == (student, assignment))
                assert f"Score: {total:g}" in text or f"Score: {total}" in text, (student, whose)
    finally:
        taught.close()


def test_status_says_the_reports_wait_for_the_end_of_a_burst():
    """Between two passes of a burst, reports/ and the late penalties of those not just graded
    wait for the queue to empty: `status` says so, and says nothing of it otherwise."""
    from autograder import status

    busy = status.render_queue(watchstate.Queue(in_flight=["s1/01_translation: graded (entry)"], reports_stale=True))
    assert "brought up to date once nothing is left to grade" in busy
    assert "brought up to date" not in status.render_queue(watchstate.Queue())
