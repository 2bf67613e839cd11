"""Grading on arrival as people meet it, in Chromium: the student's Assignments panel, and the
instructor's formgrader beside the running service.

The instructor's course is the class of ``test_watch.py`` (a throwaway exchange, students who
are Unix users of their own). Student s1 runs their lab with ``make lab`` (as the README says;
only the port, the token and "no browser" added) in a course folder of their own whose
``nbgrader_config.local.py`` names the exchange, as user s1 (bubblewrap gives the lab s1's user
id and ``/etc/passwd`` entry, as ``test_exchange.py`` does for nbgrader's commands). In nbgrader's
*Assignments* panel they click *Fetch*, work (cy's notebook: some tests fail), click *Submit*;
``python -m autograder watch --once`` grades the hand-in and releases its page; they click *Fetch
Feedback* and *(view feedback)* and open the page in the lab: every test cell that failed is
named, with its message.

The instructor runs ``make lab-instructor`` on the course while ``python -m autograder watch``
runs on it: formgrader's *Autograde* button is refused with a message naming the service (in
the page's error dialog), as are *Generate Feedback*, *Release Feedback* and *Collect* (its API);
manual grading in formgrader while the service grades and records another hand-in works, and
both are in the gradebook afterwards. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import course, demo, watchstate
from conftest import copy_course
from test_browser import (CHROMIUM, LOG_ERRORS, SCREENSHOTS, _login, browser, free_port, lab_args,  # noqa: F401
                          lab_files, lab_settings, page, serve, start_lab)
from test_exchange import ASSIGNMENT, as_user
from test_watch import Class, running_service, wait_until_done

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed (apt-get install chromium); CI installs it"),
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap"),
    pytest.mark.xdist_group("browser"),   # one Chromium and its labs at a time, as test_browser.py
]

NOTEBOOK = f"{ASSIGNMENT}.ipynb"


def start_lab_as(root: Path, student: str, taught: Class):
    """`make lab` in ``root`` as the Unix user ``student`` of ``taught`` (their user id, their
    passwd entry, their home); yields the URL, the token and the log."""
    port, token = free_port(), secrets.token_hex(16)
    home = taught.base / student
    settings = lab_settings(home / "lab-settings")
    command = as_user(["make", "lab", f"LAB_ARGS={lab_args(port, token)}"], uid=taught.students[student], home=home,
                      passwd=taught.passwd, cwd=root, setenv={"JUPYTERLAB_SETTINGS_DIR": str(settings)})
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "XDG_"))}
    yield from serve(command, root, env, home / "lab.log", port, token, f"`make lab` as {student}")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    """The instructor's course with its exchange; s2 has handed in ada's notebook, graded."""
    taught = Class(tmp_path_factory.mktemp("hub"))
    try:
        lab_files(taught.root)
        taught.hand_in("s2", "ada")
        done = taught.watch()
        assert done.returncode == 0 and watchstate.load(taught.root).failed == {}, done.stderr[-3000:]
        yield taught
    finally:
        taught.close()


@pytest.fixture(scope="module")
def student_lab(hub: Class):
    """s1's lab: a course folder of s1's own, the exchange named in its local configuration."""
    root = lab_files(copy_course(hub.base / "s1" / "course"))
    (root / "nbgrader_config.local.py").write_text(f"c.Exchange.root = {str(hub.exchange)!r}\n")
    (hub.base / "s1").mkdir(exist_ok=True)
    yield from start_lab_as(root, "s1", hub)


@pytest.fixture(scope="module")
def instructor(hub: Class):
    yield from start_lab(hub.root, "lab-instructor")


def _button(panel, section: str, row_text: str, label: str):
    """The button ``label`` in the row of ``section`` (an id of nbgrader's assignment list) that
    names ``row_text``."""
    row = panel.locator(f"#{section} .list_item").filter(has_text=row_text)
    return row.locator("button", has_text=re.compile(f"^{re.escape(label)}$")).first


def _failed_tests(root: Path, student: str) -> dict[str, str]:
    """The test cells of ``student``'s graded notebook that lost points, and the first line of
    each one's message (its error, or what it wrote on stderr)."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        lost = {grade.name for grade in notebook.grades
                if grade.cell.cell_type == "code" and grade.auto_score is not None and grade.auto_score < grade.max_score}
    graded = nbformat.read(root / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
    messages = {}
    for cell in graded.cells:
        name = course.nbgrader_meta(cell).get("grade_id")
        if name not in lost or course.nbgrader_meta(cell).get("solution"):
            continue
        for output in cell.get("outputs", []):
            text = output.get("evalue") if output.get("output_type") == "error" else \
                output.get("text") if output.get("name") == "stderr" else None
            if text and text.strip():
                messages[name] = text.strip().splitlines()[0].strip()
                break
    return messages


def test_the_student_sees_each_failed_test_with_its_message_in_the_assignments_panel(page, student_lab, hub):
    lab = student_lab
    page.goto(f"{lab['base']}/lab/workspaces/{secrets.token_hex(4)}?reset&token={lab['token']}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.restored", timeout=120_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
    panel = page.locator("#assignments").first
    fetch = _button(panel, "released_assignments_list", ASSIGNMENT, "Fetch")
    fetch.click(timeout=120_000)
    submit = _button(panel, "fetched_assignments_list", ASSIGNMENT, "Submit")
    submit.wait_for(timeout=120_000)
    # the student's work: cy's notebook, some of whose tests fail
    work = lab["root"] / ASSIGNMENT / NOTEBOOK
    assert work.is_file(), "Fetch put no notebook in the lab's folder"
    shutil.copyfile(demo.DEMO / "submitted" / "cy" / ASSIGNMENT / NOTEBOOK, work)
    before = set(hub.inbound.glob(f"s1+{ASSIGNMENT}+*"))
    submit.click()
    panel.locator("#submitted_assignments_list .list_item").filter(has_text=ASSIGNMENT).first.wait_for(timeout=120_000)
    deadline = time.monotonic() + 60
    while not set(hub.inbound.glob(f"s1+{ASSIGNMENT}+*")) - before:
        assert time.monotonic() < deadline, "Submit put nothing in the exchange's inbound"
        time.sleep(0.2)
    done = hub.watch()
    assert done.returncode == 0, done.stderr[-3000:]
    journal = watchstate.load(hub.root)
    assert journal.failed == {} and journal.jobs == {}, journal
    expected = _failed_tests(hub.root, "s1")
    assert len(expected) >= 2, expected   # cy's mistakes fail several tests
    panel.locator("#refresh_assignments_list").click()
    fetch_feedback = _button(panel, "submitted_assignments_list", ASSIGNMENT, "Fetch Feedback")
    fetch_feedback.click(timeout=120_000)
    view = panel.locator("#submitted_assignments_list a", has_text="view feedback").first
    view.click(timeout=120_000)
    page.wait_for_function("() => [...document.querySelectorAll('.jp-FileBrowser .jp-DirListing-itemName')]"
                           ".some(e => e.innerText.trim() === '01_translation.html')", timeout=60_000)
    page.locator(".jp-FileBrowser .jp-DirListing-item").filter(
        has=page.locator(".jp-DirListing-itemName", has_text=re.compile(r"^01_translation\.html$"))).first.dblclick()
    frame = page.frame_locator(".jp-HTMLViewer iframe").first
    frame.locator("h4").first.wait_for(timeout=60_000)
    heading = frame.locator("h4").first.inner_text()
    assert heading.startswith(f"{ASSIGNMENT} (Score:"), heading
    shown = {}
    for name, message in expected.items():
        cell = frame.locator(f'div.cell:has(a[name="{name}"])').first
        shown[name] = re.sub(r"\s+", " ", cell.inner_text())
        assert f"Grade cell: {name}" in shown[name], (name, shown[name][:500])
        assert re.sub(r"\s+", " ", message) in shown[name], (name, message, shown[name][:2000])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    frame.locator(f'div.cell:has(a[name="{next(iter(expected))}"]) pre').last.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "feedback-in-the-assignments-panel.png"))
    errors = [line for line in lab["log"].read_text().splitlines() if LOG_ERRORS.search(line)]
    assert not errors, "\n".join(errors[:20])


def _post(page, lab: dict, path: str, xsrf: str, data: dict | None = None, method: str = "post"):
    call = getattr(page.request, method)
    return call(f"{lab['base']}{path}", headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"},
                data=json.dumps(data) if data is not None else None, timeout=600_000)


def test_formgrader_beside_the_running_service_refuses_clearly_or_works(page, instructor, hub, tmp_path):
    lab = instructor
    _login(page, lab)
    xsrf = {c["name"]: c["value"] for c in page.context.cookies()}["_xsrf"]
    with Gradebook(f"sqlite:///{hub.root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "s2")
        written = [(grade.id, grade.name, grade.max_score) for grade in notebook.grades
                   if grade.cell.cell_type == "markdown"]
    assert written, "01_translation has no written answer to grade by hand"
    log = tmp_path / "watch.log"
    with running_service(hub, log) as service:
        # Autograde, clicked in formgrader's page: refused, the dialog names the service
        page.goto(f"{lab['base']}/formgrader/manage_submissions/{ASSIGNMENT}")
        row = page.locator("tr", has_text="s2").first
        row.wait_for(timeout=60_000)
        row.locator("td.autograde a").click()
        dialog = page.locator("#error-modal")
        dialog.wait_for(timeout=300_000)
        text = re.sub(r"\s+", " ", dialog.inner_text())
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "formgrader-autograde-beside-watch.png"))
        assert "another `python -m autograder watch` is running on this course" in text, text
        assert "stop the watch service" in text and "Traceback (most recent" not in text, text
        # Generate Feedback, Release Feedback and Collect: refused the same way
        for path, button in ((f"/formgrader/api/assignment/{ASSIGNMENT}/generate_feedback", "Generate Feedback"),
                             (f"/formgrader/api/assignment/{ASSIGNMENT}/s2/release_feedback", "Release Feedback"),
                             (f"/formgrader/api/assignment/{ASSIGNMENT}/collect", "Collect")):
            answer = _post(page, lab, path, xsrf)
            assert answer.ok, answer.text()
            result = answer.json()
            error = re.sub(r"\s+", " ", result.get("error", ""))
            assert not result["success"] and f"formgrader's {button}: another `python -m autograder watch` is " \
                "running on this course" in error and "stop the watch service" in error, (button, result)
        # manual grading while the service grades and records s1's new hand-in: it works
        entry = hub.hand_in("s1", "cy")
        scores, tries = [], 0
        while entry.name not in watchstate.load(hub.root).done or tries < 3:
            grade_id, _, points = written[tries % len(written)]
            score = round((tries % 3) / 2 * points, 2)
            answer = _post(page, lab, f"/formgrader/api/grade/{grade_id}", xsrf, {"manual_score": score}, "put")
            assert answer.ok, answer.text()
            scores.append((grade_id, score))
            tries += 1
            time.sleep(0.2)
        journal = wait_until_done(hub, service, log, [entry.name])
    assert journal.done[entry.name] == "feedback released" and journal.failed == {}, journal
    latest = dict(scores)
    with Gradebook(f"sqlite:///{hub.root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "s2")
        assert {grade.id: grade.manual_score for grade in notebook.grades if grade.id in latest} == latest
        assert gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "s1").score is not None
    assert len(hub.pages("s1")) >= 1
    # with the service stopped, Autograde works again
    answer = _post(page, lab, f"/formgrader/api/submission/{ASSIGNMENT}/s2/autograde", xsrf)
    assert answer.ok and answer.json()["success"], answer.text()[-3000:]
