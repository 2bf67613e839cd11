"""The course as people meet it: JupyterLab in a real browser (Debian's Chromium).

The labs are started exactly as the README says, with `make lab` (the student's lab) and
`make lab-instructor`, in a scratch copy of the course (running cells there never touches
the repository's notebooks) that uses the repository's virtual environment; only the
port, the token and "no browser" are added through LAB_ARGS. The student must see the
whole course in the file browser, the first notebook open, nbgrader's Validate button and
assignment list but none of the instructor panels, no news prompt, and no error in the
server's log. For every solution notebook, "Run All Cells" runs through the UI; then no
cell may show an error, every widget must render as a live widget, and figures must
appear. nbgrader's Validate button must report success on a solution and failure on a
released stub, and the instructor's formgrader must list the demo class with its scores.
Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from autograder import course
from conftest import ROOT, copy_course, solution_notebooks, submission
from conftest import read as read_notebook

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
#: The notebook whose solution is also validated with the Validate button (one sample).
FIRST_NOTEBOOK = "01_translation"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
#: what `make lab` needs next to the course's folders: the Makefile, the files its
#: environment stamp depends on, and the labs' settings
LAB_FILES = ("Makefile", "requirements.txt", "requirements-grader.txt", "requirements-dev.txt",
             "constraints.txt", "pyproject.toml")
#: nbgrader's panels that only instructors may see
INSTRUCTOR_PLUGINS = ("@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                      "@jupyter/nbgrader:course-list")
#: lines of a server log that mean something went wrong
LOG_ERRORS = re.compile(r"^\[(E|C) |Traceback|not a subdirectory|nbgrader will not work", re.MULTILINE)

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed (apt-get install chromium); CI installs it"),
    pytest.mark.xdist_group("browser"),
]

# The one setting the checks need that a student would not have: every cell kept in the
# page (no windowing), so that the checks see all outputs.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_course(into: Path) -> Path:
    """A scratch copy of the course that `make lab` can start from, sharing this
    repository's (already installed) virtual environment."""
    root = lab_files(copy_course(into))
    stale = subprocess.run(["make", "-q", ".venv/.installed"], cwd=root, capture_output=True)
    assert stale.returncode == 0, "the environment is out of date: run `make .venv/.installed` first"
    return root


def lab_files(root: Path) -> Path:
    """What `make lab` needs in the course folder ``root`` beside the course: the Makefile and
    what it depends on, the labs' settings, this repository's virtual environment."""
    for name in LAB_FILES:
        shutil.copy2(ROOT / name, root / name)  # keeps the times: the environment stays up to date
    shutil.copytree(ROOT / ".lab", root / ".lab")
    (root / ".venv").symlink_to(ROOT / ".venv")
    return root


def lab_settings(folder: Path) -> Path:
    """``folder`` holding the lab's settings of :data:`LAB_SETTINGS` (JUPYTERLAB_SETTINGS_DIR)."""
    for name, value in LAB_SETTINGS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(value))
    return folder


def lab_args(port: int, token: str) -> str:
    """The only arguments the tests add to `make lab`: the port, the token and "no browser"."""
    return f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --IdentityProvider.token={token}"


def serve(command: list[str], root: Path, env: dict[str, str], log_path: Path, port: int, token: str, what: str):
    """Run ``command`` (a `make lab` of some kind) in ``root``, wait until its JupyterLab answers,
    yield the URL, the token and the log; then stop it and everything it started."""
    log = log_path.open("w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, \
                f"{what} did not start JupyterLab:\n{log_path.read_text()[-3000:]}"
            time.sleep(0.5)
    try:
        yield {"base": base, "token": token, "root": root, "log": log_path}
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and the JupyterLab it started
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def start_lab(root: Path, target: str, env: dict[str, str] | None = None):
    """Start `make TARGET` (lab or lab-instructor) in ``root``, as the README says; only the
    port, the token and "no browser" are added (and ``env`` to its environment). Yields the URL,
    the token and the log."""
    port, token = free_port(), secrets.token_hex(16)
    settings = lab_settings(root.parent / "lab-settings")
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), **(env or {}))
    yield from serve(["make", target, f"LAB_ARGS={lab_args(port, token)}"], root, env,
                     root.parent / f"{target}.log", port, token, f"`make {target}`")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = lab_course(tmp_path_factory.mktemp("lab") / "course")
    yield from start_lab(root, "lab")


@pytest.fixture(scope="module")
def instructor_lab(tmp_path_factory):
    root = lab_course(tmp_path_factory.mktemp("instructor") / "course")
    # a demo class for the formgrader: one full-marks and one empty submission
    assignment = course.assignments(ROOT)[0]
    (notebook,) = [p.stem for p in course.source_notebooks(ROOT, assignment)]
    for student, replace in (("alice", {}), ("bob", None)):
        folder = root / course.SUBMITTED / student / assignment
        folder.mkdir(parents=True)
        (folder / f"{notebook}.ipynb").write_text(submission(assignment, notebook, replace))
        # what `nbgrader submit` writes beside the notebook, and `nbgrader collect` keeps
        (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
        (folder / "submission_secret.txt").write_text(secrets.token_urlsafe(96))
    subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade"],
                   check=True, capture_output=True, timeout=900)
    # the course's configuration keeps the exchange in $XDG_DATA_HOME/nbgrader/exchange when the
    # machine has no shared one: a folder of this test's own
    assert not Path("/usr/local/share/nbgrader/exchange").exists(), "this machine has a shared exchange"
    xdg = root.parent / "xdg"
    yield from (dict(lab, exchange=xdg / "nbgrader" / "exchange" / "cnn-invariance")
                for lab in start_lab(root, "lab-instructor", env={"XDG_DATA_HOME": str(xdg)}))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(90_000)   # what a person waits on a loaded machine, for any click or check
    context.add_init_script(EXPOSE_APP)
    yield context.new_page()
    context.close()


# Lets the checks reach JupyterLab's application object (``window.jupyterapp``): the page's
# configuration is changed in the browser, as soon as it is parsed; the server runs as started.
EXPOSE_APP = """
new MutationObserver((_, observer) => {
    const element = document.getElementById('jupyter-config-data');
    if (!element) return;
    const config = JSON.parse(element.textContent);
    config.exposeAppInBrowser = true;
    element.textContent = JSON.stringify(config);
    observer.disconnect();
}).observe(document, {childList: true, subtree: true});
"""


def directory_listing(page) -> list[str]:
    """The names the file browser lists, once it has listed something."""
    items = page.locator(".jp-FileBrowser .jp-DirListing-content .jp-DirListing-itemName")
    items.first.wait_for(timeout=30_000)
    return items.all_inner_texts()


def open_folder(page, name: str, inside: str) -> None:
    """Double-click the folder ``name`` in the file browser, as a person does, until the
    browser lists ``inside`` (a file of that folder). The listing re-renders while it
    refreshes, and a double-click on a row being replaced is lost: then it is tried again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    row = page.locator(".jp-FileBrowser .jp-DirListing-item").filter(
        has=page.locator(".jp-DirListing-itemName", has_text=re.compile(f"^{re.escape(name)}$")))
    deadline = time.monotonic() + 240   # a loaded 2-core machine redraws slowly
    while True:
        try:
            row.first.dblclick(timeout=20_000)
        except PlaywrightTimeout:
            pass   # the row was being replaced, or the browser is in the folder already
        try:
            page.wait_for_function(
                "(name) => [...document.querySelectorAll('.jp-FileBrowser .jp-DirListing-itemName')]"
                ".some(e => e.innerText.trim() === name)", arg=inside, timeout=20_000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise


def open_notebook(page, lab, relative: str):
    """Open a notebook (in a fresh workspace) and return the locator of its panel."""
    page.goto(f"{lab['base']}/lab/workspaces/{secrets.token_hex(4)}/tree/{relative}?reset&token={lab['token']}")
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return kernel && kernel.status === 'idle' && w.content && w.content.widgets.length > 0;
        }""",
        timeout=120_000,
    )
    panel_id = page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
    return page.locator(f'[id="{panel_id}"]')


def run_all(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const cells = w.content.widgets.filter(c => c.model.type === 'code');
            return w.sessionContext.session.kernel.status === 'idle'
                && cells.every(c => c.model.executionCount !== null);
        }""",
        timeout=300_000,
        polling=500,
    )


def validate(page, dialog: dict | None = None) -> str:
    """Click nbgrader's Validate button; return "success" or "failed" from its dialog. ``dialog``,
    when given, receives the dialog's text, the seconds it took to appear, and its overflow: the
    widest line's width beyond what the dialog shows (0: no line is cut off)."""
    started = time.monotonic()
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-ToolbarButtonComponent-label",
                 has_text="Validate").first.click()
    result = page.locator(".validation-success, .validation-failed").first
    result.wait_for(timeout=300_000)
    if dialog is not None:
        dialog["seconds"] = time.monotonic() - started
        dialog["text"] = result.inner_text()
        dialog["overflow"] = result.evaluate(
            "node => Math.max(0, ...[...node.querySelectorAll('pre')].map(p => p.scrollWidth - p.clientWidth))")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "validate.png"))
    outcome = "success" if "validation-success" in result.get_attribute("class").split() else "failed"
    page.keyboard.press("Escape")
    return outcome


def test_student_lab_opens_the_first_notebook_and_shows_the_whole_course(page, lab):
    page.goto(f"{lab['base']}/?token={lab['token']}")  # where `make lab` sends the browser
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.title.label === '01_translation.ipynb'",
        timeout=120_000,
    )
    assert "/lab/tree/notebooks/01_translation/01_translation.ipynb" in page.url
    # the lab has restored its layout (the file browser's folder included: on a busy machine it
    # can get there after the notebook opened, and would then leave the folder the test went to)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    # the file browser opens in the notebook's folder ...
    page.wait_for_function("() => [...document.querySelectorAll('.jp-FileBrowser .jp-DirListing-itemName')]"
                           ".some(e => e.innerText.trim() === '01_translation.ipynb')", timeout=60_000)
    # ... and from the course root, every notebook is reachable through it
    page.locator(".jp-FileBrowser .jp-BreadCrumbs-home").click()
    page.wait_for_function("() => [...document.querySelectorAll('.jp-FileBrowser .jp-DirListing-itemName')]"
                           ".some(e => e.innerText.trim() === 'notebooks')", timeout=30_000)
    assignments = course.assignments(ROOT)
    open_folder(page, "notebooks", assignments[0])
    every_assignment = ("(names) => { const shown = [...document.querySelectorAll("
                        "'.jp-FileBrowser .jp-DirListing-itemName')].map(e => e.innerText.trim());"
                        " return names.every(n => shown.includes(n)); }")
    page.wait_for_function(every_assignment, arg=assignments, timeout=30_000)
    for assignment in assignments:
        open_folder(page, assignment, f"{assignment}.ipynb")
        assert f"{assignment}.ipynb" in directory_listing(page)
        page.locator(".jp-FileBrowser .jp-BreadCrumbs-item", has_text="notebooks").first.click()
        page.wait_for_function(every_assignment, arg=assignments, timeout=30_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "student-lab.png"))
    # the student's panels only: Validate and the assignment list, no instructor panel
    plugins = page.evaluate("(ids) => ids.map(id => window.jupyterapp.hasPlugin(id))",
                            [*INSTRUCTOR_PLUGINS, "@jupyter/nbgrader:validate-assignment",
                             "@jupyter/nbgrader:assignment-list", "@jupyterlab/apputils-extension:announcements"])
    assert plugins == [False] * len(INSTRUCTOR_PLUGINS) + [True, True, False], plugins
    assert page.locator(".jp-NotebookPanel .jp-ToolbarButtonComponent-label", has_text="Validate").count() >= 1
    assert "Jupyter news" not in page.locator("body").inner_text()


def test_instructor_lab_has_the_instructor_panels(page, instructor_lab):
    page.goto(f"{instructor_lab['base']}/?token={instructor_lab['token']}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=120_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")   # nothing left in flight when it closes
    plugins = page.evaluate("(ids) => ids.map(id => window.jupyterapp.hasPlugin(id))", list(INSTRUCTOR_PLUGINS))
    assert plugins == [True] * len(INSTRUCTOR_PLUGINS), plugins


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_solution_runs_in_the_browser_with_live_widgets_and_figures(page, lab, path):
    """Run All in the student's lab: no error and nothing on stderr in any cell (this is the
    course's check that every solution notebook runs cleanly top to bottom), figures and live
    widgets drawn, a slider that redraws its figure, and Validate's success dialog."""
    relative = path.relative_to(ROOT).as_posix()
    panel = open_notebook(page, lab, relative)
    run_all(page)
    outputs = panel.locator(".jp-OutputArea-output")
    errors = panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert errors.count() == 0, f"error or stderr output in the browser: {errors.first.inner_text()[:500]}"
    assert panel.locator(".jp-RenderedImage img").count() >= 1, "no figure rendered"
    widgets = panel.locator(".jp-OutputArea-output .jupyter-widgets")
    assert widgets.count() >= 1, "no live widget rendered"
    text = panel.locator(".jp-Notebook").inner_text()
    assert "Error displaying widget" not in text and "LiveFigure(children" not in text
    assert panel.locator(".jp-OutputArea-output .widget-slider, .jp-OutputArea-output .widget-dropdown").count() >= 1
    assert outputs.count() > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    widgets.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"))
    # the widget is live: moving a slider redraws the figure through the kernel
    live = panel.locator(".jp-OutputArea-output .jupyter-widgets:has(.widget-slider):has(img)").first
    image = live.locator("img").first
    before = image.get_attribute("src")
    live.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                           arg=[image.element_handle(), before], timeout=30_000)
    if path.stem == FIRST_NOTEBOOK:   # Validate runs the notebook once more: one sample here,
        assert validate(page) == "success"   # every solution in test_release.py (nbgrader's Validator)


def test_validate_button_fails_a_released_stub(page, lab):
    stub = sorted((ROOT / course.RELEASE).glob("*/*.ipynb"))[0]
    open_notebook(page, lab, stub.relative_to(ROOT).as_posix())
    assert validate(page) == "failed"


@pytest.mark.parametrize("assignment", ["04_pipeline", "05_learned"])
def test_validate_dialog_names_the_written_questions_and_the_failing_tests(page, lab, assignment):
    """The Validate dialog on a released stub, as a student reads it: each failing test cell with
    its message, each written question by its number and first sentence, who grades those, whether
    every autograded test passes; no line cut off. (Its time is printed: the goal is 10 s.)"""
    open_notebook(page, lab, f"{course.RELEASE}/{assignment}/{assignment}.ipynb")
    dialog: dict = {}
    assert validate(page, dialog) == "failed"
    print(f"Validate dialog of {assignment}: {dialog['seconds']:.1f} s")
    text = dialog["text"]
    tests = [c for c in read_notebook(ROOT / course.RELEASE / assignment / f"{assignment}.ipynb").cells
             if c.cell_type == "code" and course.nbgrader_meta(c).get("grade")]
    for cell in tests:
        assert f"Test cell {course.nbgrader_meta(cell)['grade_id']}" in text
    questions = re.findall(r"Written answer not given yet: (Question \d+ \(\d+ points?\): [^\n]+)", text)
    assert len(questions) >= 2 and len(set(questions)) == len(questions), text
    assert text.count("graded by your instructor") == len(questions)
    assert f"Not every autograded test passes yet: {len(tests)} of {len(tests)} test cells fail" in text
    assert "YOUR ANSWER HERE\n\n(A written" not in text and "Traceback" not in text
    assert dialog["overflow"] <= 2, f"lines cut off in the dialog by {dialog['overflow']} px"


def test_formgrader_shows_the_class_and_scores(page, instructor_lab):
    lab = instructor_lab
    assignment = course.assignments(ROOT)[0]
    _login(page, lab)
    page.goto(f"{lab['base']}/formgrader/manage_submissions/{assignment}")
    page.get_by_text("alice").first.wait_for(timeout=60_000)
    page.get_by_text("bob").first.wait_for(timeout=60_000)
    rows = {line.split("\t")[1]: line for line in page.locator("body").inner_text().splitlines()
            if line.count("\t") > 3}
    autograded = sum(c.max_score for c in course.test_cells(ROOT, assignment))
    # the written answers are not graded yet, so alice has the autograded points only
    assert re.search(rf"\bgraded\t{autograded:g} / \d+", rows["alice"]), rows
    assert re.search(r"\bgraded\t0 / \d+", rows["bob"]), rows
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "formgrader.png"))


def _hidden_only_lines(assignment: str) -> list[str]:
    """Lines of the hidden tests that appear nowhere else in the source (not in a solution,
    not in a visible test): a page that shows one shows hidden test source."""
    hidden, shown = set(), set()
    for path in course.source_notebooks(ROOT, assignment):
        for cell in read_notebook(path).cells:
            before, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
            inside, _, after = rest.partition("### END HIDDEN TESTS")
            hidden |= {line.strip() for line in inside.splitlines() if len(line.strip()) > 25}
            shown |= {line.strip() for line in (before + after).splitlines()}
    return sorted(hidden - shown)


def _login(page, lab) -> None:
    # a workspace of its own, empty (no notebook, so no kernel connection to cut off when leaving):
    # logging in sets the session and _xsrf cookies
    page.goto(f"{lab['base']}/lab/workspaces/login-{secrets.token_hex(4)}?reset&token={lab['token']}")
    page.locator("#jp-main-dock-panel").wait_for(timeout=120_000)
    # leave only once the lab has loaded what it asks for: a request cut off by leaving the page
    # is an error in the server's log
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.restored", timeout=120_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    page.wait_for_timeout(1000)


def test_formgrader_feedback_buttons_publish_the_course_feedback(page, instructor_lab):
    """Generate Feedback, then Release Feedback, clicked in formgrader: what reaches the
    exchange is the course's page (no hidden test, no script), for the submission with a secret."""
    lab = instructor_lab
    assignment = course.assignments(ROOT)[0]
    _login(page, lab)
    page.goto(f"{lab['base']}/formgrader/manage_assignments")
    row = page.locator("tr", has_text=assignment).first
    row.wait_for(timeout=60_000)
    for button, done in (("Generate Feedback", "Successfully generated feedback"),
                         ("Release Feedback", "Successfully released feedback")):
        row.locator(f"td.{button.lower().replace(' ', '-')} a").click()
        modal = page.locator("#success-modal")
        modal.get_by_text(done).wait_for(timeout=300_000)
        modal.locator(".modal-footer button", has_text="OK").click()   # as a person closes it
        modal.wait_for(state="detached", timeout=30_000)
    released = sorted((lab["exchange"] / "feedback").glob("*.html"))
    assert len(released) == 2, released   # alice and bob both handed in with a secret
    hidden = _hidden_only_lines(assignment)
    assert len(hidden) >= 5
    for path in released:
        text = path.read_text(encoding="utf-8")
        plain = html.unescape(re.sub(r"<[^>]+>", "", text))
        assert [line for line in hidden if line in plain] == [] and "HIDDEN TESTS" not in plain
        assert "<script" not in text.lower() and "<math" in text


def test_formgrader_shows_a_submissions_formulas_with_nothing_fetched(page, instructor_lab):
    """The page an instructor grades from writes its formulas as MathML (no MathJax from a CDN)."""
    from nbgrader.api import Gradebook

    lab = instructor_lab
    assignment = course.assignments(ROOT)[0]
    (notebook,) = [p.stem for p in course.source_notebooks(ROOT, assignment)]
    with Gradebook(f"sqlite:///{lab['root'] / 'gradebook.db'}") as gradebook:
        submission_id = gradebook.find_submission_notebook(notebook, assignment, "alice").id
    _login(page, lab)
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(lab["base"]) else elsewhere.append(request.url))
    page.goto(f"{lab['base']}/formgrader/submissions/{submission_id}/?index=0")
    page.locator("math").first.wait_for(timeout=60_000)
    sizes = page.eval_on_selector_all("math", "els => els.map(e => e.getBoundingClientRect().height)")
    assert len(sizes) >= 3 and all(height > 0 for height in sizes)
    assert elsewhere == []


def test_formgrader_autograde_runs_the_course_grader(page, instructor_lab):
    """formgrader's autograde API, called as its Autograde button calls it, grades as `make
    autograde` does: a link planted in the submission is left out and reported, not followed."""
    lab = instructor_lab
    assignment = course.assignments(ROOT)[0]
    folder = lab["root"] / course.SUBMITTED / "alice" / assignment
    (folder / "peek.txt").symlink_to(ROOT / course.SOURCE / assignment / f"{assignment}.ipynb")
    _login(page, lab)
    xsrf = {c["name"]: c["value"] for c in page.context.cookies()}["_xsrf"]
    started, waits, grading = time.monotonic(), [], threading.Event()

    def poll_server() -> None:   # the server answers other requests while it grades
        while not grading.is_set():
            asked = time.monotonic()
            urllib.request.urlopen(f"{lab['base']}/api/status?token={lab['token']}", timeout=60).read()
            waits.append(time.monotonic() - asked)
            time.sleep(0.2)

    poller = threading.Thread(target=poll_server)
    poller.start()
    try:
        answer = page.request.post(f"{lab['base']}/formgrader/api/submission/{assignment}/alice/autograde",
                                   headers={"X-XSRFToken": xsrf}, timeout=600_000)
    finally:
        grading.set()
        poller.join()
    assert answer.ok, answer.text()
    assert len(waits) >= 3 and max(waits) < 5, waits
    result = answer.json()
    assert result["success"], result
    assert "left out peek.txt: a symbolic link" in result["log"]   # the course's submission checks
    assert "grades written to" in result["log"]                       # the course's reports
    summary = (lab["root"] / course.REPORTS / "summary.txt").read_text()
    assert "peek.txt" in summary and time.monotonic() - started < 600
    bad = page.request.post(f"{lab['base']}/formgrader/api/submission/{assignment}/..%2Fx/autograde",
                            headers={"X-XSRFToken": xsrf})
    assert not bad.ok or not bad.json()["success"]


@pytest.mark.parametrize("which", ["lab", "instructor_lab"])
def test_lab_log_has_no_error(request, which):
    """Runs after the other tests of this file: nothing they did logged an error, and
    nbgrader found the course inside the server's root."""
    log = request.getfixturevalue(which)["log"].read_text()
    assert "Jupyter Server" in log and "is running at" in log
    errors = [line for line in log.splitlines() if LOG_ERRORS.search(line)]
    assert not errors, "\n".join(errors[:20])


def _saved(page, lab, relative: str) -> bytes:
    """Open ``relative`` in the lab (it must not be marked modified), save it with Ctrl+S
    without editing, wait until the file on disk was written, and return its bytes."""
    path = lab["root"] / relative
    before = path.stat().st_mtime_ns
    panel = open_notebook(page, lab, relative)
    # JupyterLab writes the kernel's language_info and kernelspec into the notebook once the kernel
    # has answered: wait for both answers (and the updates queued on them), then look at the tab
    dirty = page.evaluate("""async () => {
        const w = window.jupyterapp.shell.currentWidget;
        const kernel = w.sessionContext.session.kernel;
        await kernel.info;
        await kernel.spec;
        await new Promise(resolve => setTimeout(resolve, 0));
        return w.context.model.dirty;
    }""")
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    assert not dirty and "jp-mod-dirty" not in (tab.get_attribute("class") or ""), \
        f"opening {relative} marked it modified"
    panel.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")      # command mode: Ctrl+S saves the notebook
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 60
    while path.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, f"Ctrl+S did not save {relative}"
        time.sleep(0.2)
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)
    return path.read_bytes()


@pytest.mark.parametrize("path", sorted((ROOT / course.RELEASE).glob("*/*.ipynb")) + solution_notebooks(),
                         ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_opening_and_saving_a_notebook_changes_nothing(page, lab, path):
    """A self-learner opens a notebook and saves it (Ctrl+S) without typing anything: the file
    stays byte for byte what git has (`git status` clean, `git pull` of a course update without
    conflict), and the tab never shows the modified mark."""
    relative = path.relative_to(ROOT).as_posix()
    original = (lab["root"] / relative).read_bytes()
    saved = _saved(page, lab, relative)
    if saved != original:
        import difflib

        diff = difflib.unified_diff(original.decode().splitlines(), saved.decode().splitlines(), lineterm="", n=1)
        pytest.fail("saving an untouched notebook rewrote it:\n" + "\n".join(list(diff)[:60]))
