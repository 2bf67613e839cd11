"""The round trip through nbgrader's exchange, as on a JupyterHub, with the real commands.

An instructor releases ``01_translation``; two students fetch it and hand it in with their own
nbgrader caches, each as a user of their own (bubblewrap gives each student's commands a user
id and an ``/etc/passwd`` entry of their own: nbgrader names a submission after the Unix user).
One of them also plants a link to the solutions, a hard link to them and a FIFO in their
submission, and folders that ``nbgrader collect`` must refuse (named for the other student and
owned by someone else, named ``..``, with a time that is no time, a FIFO, a link). A third
student's work is put in ``submitted/`` by hand. Then, as the README says: ``nbgrader collect``,
``python -m autograder grade``, ``python -m autograder feedback``, ``nbgrader release_feedback``,
and each student's ``nbgrader fetch_feedback``. Each student receives their own page: their
scores, no hidden test, nothing active, formulas that render in Chromium with no network.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import course, demo, exchange
from conftest import ROOT, copy_course

pytestmark = [pytest.mark.xdist_group("exchange"),
              pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")]

ASSIGNMENT = "01_translation"
COURSE_ID = "cnn-invariance"
#: Each student: their user id, and whose demo notebook they hand in (full marks, some mistakes).
STUDENTS = {"s1": (1001, "ada"), "s2": (1002, "cy")}
BY_HAND = "hand"
CHROMIUM = Path("/usr/bin/chromium")
NOBODY = 65534


def as_user(command: list[str], *, uid: int, home: Path, passwd: Path, cwd: Path,
            setenv: dict[str, str] | None = None) -> list[str]:
    """``command`` run as a student would run it: as the Unix user ``uid`` (a user namespace of
    bubblewrap's, everything else of the machine shared), their entry in ``passwd`` (a copy of
    /etc/passwd with the students added), ``HOME`` set to ``home``, in ``cwd``."""
    extra = [part for name, value in (setenv or {}).items() for part in ("--setenv", name, value)]
    return ["bwrap", "--dev-bind", "/", "/", "--unshare-user", "--uid", str(uid), "--gid", str(uid),
            "--ro-bind", str(passwd), "/etc/passwd", "--setenv", "HOME", str(home), *extra, "--chdir", str(cwd),
            "--", *command]


def nbgrader(*args: str, cwd: Path, user: str | None = None, home: Path | None = None,
             passwd: Path | None = None, uid: int | None = None) -> subprocess.CompletedProcess:
    """``nbgrader ARGS`` in ``cwd``: as the instructor, or as ``user`` (a student; their user id
    ``uid``, by default the one ``STUDENTS`` gives)."""
    command = [str(Path(sys.executable).parent / "nbgrader"), *args]
    if user is not None:
        command = as_user(command, uid=STUDENTS[user][0] if uid is None else uid, home=home, passwd=passwd, cwd=cwd)
    return subprocess.run(command, cwd=cwd, env=course.nbgrader_env(), capture_output=True, text=True,
                          timeout=600, check=False)


def autograder(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=course.nbgrader_env(),
                          capture_output=True, text=True, timeout=1800, check=False)


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("exchange")
    root = copy_course(base / "course")
    for assignment in course.assignments(root):   # one assignment keeps it quick
        if assignment != ASSIGNMENT:
            for folder in (course.SOURCE, course.RELEASE):
                shutil.rmtree(root / folder / assignment)
    # the exchange of a hub: a folder every user may write to (and reach: not under pytest's 0700 tmp)
    exchange_root = Path(tempfile.mkdtemp(prefix="nbgrader-exchange-"))
    exchange_root.chmod(0o777)
    option = f"--Exchange.root={exchange_root}"
    passwd = base / "passwd"
    passwd.write_text(Path("/etc/passwd").read_text() + "".join(
        f"{name}:x:{uid}:{uid}::{base / name}:/bin/sh\n" for name, (uid, _) in STUDENTS.items()))
    logs: dict[str, str] = {}
    try:
        logs["release"] = ok(nbgrader("release_assignment", ASSIGNMENT, option, cwd=root))
        inbound = exchange_root / COURSE_ID / "inbound"
        for student, (_, demo_student) in STUDENTS.items():
            home = base / student
            work = home / "work"
            work.mkdir(parents=True)
            as_student = dict(user=student, home=home, passwd=passwd, cwd=work)
            cache = f"--Exchange.cache={home / 'cache'}"
            ok(nbgrader("fetch_assignment", ASSIGNMENT, f"--course={COURSE_ID}", option, cache, **as_student))
            mine = demo.DEMO / "submitted" / demo_student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            shutil.copyfile(mine, work / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
            ok(nbgrader("submit", ASSIGNMENT, f"--course={COURSE_ID}", option, cache, **as_student))
        plant(root, inbound)
        # a submission put in submitted/ by hand: graded, but it has no secret to release feedback with
        by_hand = root / course.SUBMITTED / BY_HAND / ASSIGNMENT
        by_hand.mkdir(parents=True)
        shutil.copyfile(demo.DEMO / "submitted" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                        by_hand / f"{ASSIGNMENT}.ipynb")

        logs["collect"] = ok(nbgrader("collect", ASSIGNMENT, option, cwd=root))
        logs["grade"] = ok(autograder("grade", "--quiet", cwd=root))
        logs["feedback"] = ok(autograder("feedback", cwd=root))
        logs["release_feedback"] = ok(nbgrader("release_feedback", ASSIGNMENT, option, cwd=root))
        pages = {}
        for student in STUDENTS:
            home = base / student
            logs[f"fetch_feedback {student}"] = ok(nbgrader(
                "fetch_feedback", ASSIGNMENT, f"--course={COURSE_ID}", option, f"--Exchange.cache={home / 'cache'}",
                user=student, home=home, passwd=passwd, cwd=home / "work"))
            pages[student] = sorted((home / "work" / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
        outbound = sorted(p.name for p in (exchange_root / COURSE_ID / "feedback").iterdir())
        yield {"root": root, "logs": logs, "pages": pages, "outbound": outbound, "exchange": exchange_root}
    finally:
        subprocess.run(["rm", "-rf", str(exchange_root)], check=False)


def plant(root: Path, inbound: Path) -> None:
    """What a hostile student can leave in the inbound (each student may write there)."""
    (s2,) = inbound.glob(f"s2+{ASSIGNMENT}+*")
    s2.chmod(0o755)
    solutions = root / course.SOURCE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    (s2 / "answers.ipynb").symlink_to(solutions)
    os.link(solutions, s2 / "hard.ipynb")
    os.mkfifo(s2 / "pipe")
    with open(s2 / "big.bin", "wb") as big:   # 150 MB (sparse): over nbgrader's max_file_size of 100 MB
        big.truncate(150 * 10**6)
    later = "2030-01-01 00:00:00.000000 UTC"
    # named for s1, newer than s1's own: owned by another user (on a hub, the student who made it)
    fake = inbound / f"s1+{ASSIGNMENT}+{later}+forged"
    fake.mkdir()
    (fake / f"{ASSIGNMENT}.ipynb").write_text("{}")
    os.chown(fake, NOBODY, NOBODY)
    for name in (f"..+{ASSIGNMENT}+{later}+up", f"s2 & co+{ASSIGNMENT}+{later}+odd", f"s2+{ASSIGNMENT}+no time+x"):
        (inbound / name).mkdir()
    os.mkfifo(inbound / f"s2+{ASSIGNMENT}+{later}+fifo")
    (inbound / f"s2+{ASSIGNMENT}+{later}+link").symlink_to(root / course.SOURCE / ASSIGNMENT)


def test_collect_refuses_what_is_not_a_plain_submission_and_collects_the_rest(round_trip: dict):
    root, log = round_trip["root"], round_trip["logs"]["collect"]
    assert sorted(p.name for p in (root / course.SUBMITTED).iterdir()) == sorted([*STUDENTS, BY_HAND])
    s2 = root / course.SUBMITTED / "s2" / ASSIGNMENT
    assert sorted(p.name for p in s2.iterdir()) == [f"{ASSIGNMENT}.ipynb", "submission_secret.txt", "timestamp.txt"]
    for name, why in (("answers.ipynb", "a symbolic link"), ("hard.ipynb", "a hard link"), ("pipe", "a FIFO"),
                      ("big.bin", "larger than 95 MiB")):
        assert f"left out {name}: {why}" in log
    for name, why in (("forged", "owned by the user nobody, not by s1"), ("odd", "it is not a student id"),
                      ("no time+x", "'no time' is not a time"), ("fifo", "a FIFO, not a folder"),
                      ("link", "a symbolic link, not a folder")):
        assert re.search(rf"Not collected: inbound/[^\n]*{re.escape(name)}: [^\n]*{re.escape(why)}", log), (name, log)
    # s1's own submission, not the forged newer one
    s1 = root / course.SUBMITTED / "s1" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert nbformat.read(s1, as_version=4).cells
    assert not (root.parent / ASSIGNMENT).exists()   # the folder named '..' went nowhere


def test_the_secret_travels_to_feedback_and_feedback_reaches_each_student(round_trip: dict):
    root = round_trip["root"]
    for student in STUDENTS:
        secret = (root / course.SUBMITTED / student / ASSIGNMENT / "submission_secret.txt").read_text()
        for folder in ("autograded", "feedback"):
            assert (root / folder / student / ASSIGNMENT / "submission_secret.txt").read_text() == secret
        assert len(round_trip["pages"][student]) == 1, round_trip["logs"][f"fetch_feedback {student}"]
    assert len(round_trip["outbound"]) == len(STUDENTS)
    # the submission handed in by hand is graded, and skipped by the release with a line naming it
    assert (root / "feedback" / BY_HAND / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()
    assert re.search(rf"Feedback not released for student '{BY_HAND}' on '{ASSIGNMENT}/{ASSIGNMENT}': no "
                     "(timestamp|submission_secret).txt", round_trip["logs"]["release_feedback"])


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_each_student_gets_only_their_own_scores_and_no_hidden_test(round_trip: dict):
    source = nbformat.read(ROOT / course.SOURCE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    hidden = [line.strip() for cell in source.cells if "BEGIN HIDDEN TESTS" in cell.source
              for line in cell.source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS")[0].splitlines()
              if len(line.strip()) > 25]
    shown = {line.strip() for path in (ROOT / course.RELEASE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                                       *(demo.DEMO / "submitted" / who / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
                                         for _, who in STUDENTS.values()))
             for cell in nbformat.read(path, as_version=4).cells for line in cell.source.splitlines()}
    hidden = [line for line in hidden if line not in shown]   # only what nobody but the grader sees
    assert len(hidden) >= 5
    scores = {}
    with Gradebook(f"sqlite:///{round_trip['root'] / 'gradebook.db'}") as gradebook:
        for student in STUDENTS:
            notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            scores[student] = (notebook.score, notebook.max_score)
    assert scores["s1"] != scores["s2"]
    for student, (path,) in round_trip["pages"].items():
        page = path.read_text(encoding="utf-8")
        heading = re.sub(r"\s+", " ", re.search(r"<h4>(.*?)</h4>", page, re.DOTALL).group(1))
        assert heading.startswith(f"{ASSIGNMENT} (Score: {scores[student][0]} / {scores[student][1]}")
        text = _text(page)
        assert [line for line in hidden if line in text] == []
        assert "HIDDEN TESTS" not in text
        assert not re.search(r"<(script|iframe|object|embed|form)\b|\son[a-z]+\s*=|(href|src|action)\s*=\s*[\"']?\s*javascript:", page, re.IGNORECASE)


def test_release_feedback_of_plain_nbgrader_would_stop_without_the_secret(round_trip: dict):
    """Why :class:`autograder.exchange.SafeReleaseFeedback` is configured: nbgrader's own class
    stops at the first folder without a secret (the one handed in by hand here)."""
    done = nbgrader("release_feedback", ASSIGNMENT, f"--Exchange.root={round_trip['exchange']}",
                    "--ExchangeFactory.release_feedback=nbgrader.exchange.default.ExchangeReleaseFeedback",
                    cwd=round_trip["root"])
    assert done.returncode != 0 and f"No such file or directory: '{round_trip['root'] / 'feedback' / BY_HAND}" in done.stderr


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)")
def test_fetched_feedback_renders_formulas_with_no_network(round_trip: dict):
    from playwright.sync_api import sync_playwright

    (path,) = round_trip["pages"]["s1"]
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                                   "--disable-background-networking"])
        try:
            context = browser.new_context(offline=True, viewport={"width": 1000, "height": 800})
            view = context.new_page()
            view.on("request", lambda request: requested.append(request.url))
            view.goto(path.as_uri())
            formulas = view.eval_on_selector_all(
                "math", "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])")
            raw = view.evaluate("document.body.innerText.match(/\\$[^$\\n]{1,80}\\$/g) || []")
            view.locator("math").first.scroll_into_view_if_needed()
            view.screenshot(path=str(path.with_suffix(".png")))
        finally:
            browser.close()
    assert [url for url in requested if not url.startswith("file:")] == []
    assert len(formulas) >= 3 and all(w > 0 and h > 0 for w, h in formulas)
    assert raw == []   # no LaTeX left for a script to typeset


def test_student_ids_that_cannot_be_folders_are_refused():
    for bad in ("..", ".", ".hidden", "a/b", "", "x" * 200, "名前"):
        assert exchange.student_id_problem(bad)
    for good in ("s042", "ada", "jane.doe", "a+b", "user@example.org", "A_b-1"):
        assert exchange.student_id_problem(good) is None
