"""The course as people meet it: JupyterLab in a real browser (Debian's Chromium).

A JupyterLab server is started on a free loopback port in a scratch copy of the course
(running cells there never touches the repository's notebooks). For every solution
notebook, "Run All Cells" runs through the UI; then no cell may show an error, every
widget must render as a live widget, and figures must appear. nbgrader's Validate
button must report success on a solution and failure on a released stub, and the
formgrader must list the demo class with its scores. Screenshots go to
``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from autograder import course
from conftest import ROOT, copy_course, solution_notebooks, submission

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed (apt-get install chromium); CI installs it"),
    pytest.mark.xdist_group("browser"),
]

# JupyterLab settings for a quiet, fully rendered notebook: no news pop-up, and every
# cell kept in the page (no windowing), so that the checks see all outputs.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("lab") / "course")
    # a demo class for the formgrader: one full-marks and one empty submission
    assignment = course.assignments(ROOT)[0]
    (notebook,) = [p.stem for p in course.source_notebooks(ROOT, assignment)]
    for student, replace in (("alice", {}), ("bob", None)):
        folder = root / course.SUBMITTED / student / assignment
        folder.mkdir(parents=True)
        (folder / f"{notebook}.ipynb").write_text(submission(assignment, notebook, replace))
    subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "grade"],
                   check=True, capture_output=True, timeout=900)

    settings = root.parent / "lab-settings"
    for name, value in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(value))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(course.nbgrader_env(), JUPYTERLAB_SETTINGS_DIR=str(settings))
    log = (root.parent / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", "--expose-app-in-browser",
         *(["--allow-root"] if os.geteuid() == 0 else []),
         f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "JupyterLab did not start"
            time.sleep(0.5)
    yield {"base": base, "token": token, "root": root}
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


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
    yield context.new_page()
    context.close()


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


def validate(page) -> str:
    """Click nbgrader's Validate button; return "success" or "failed" from its dialog."""
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-ToolbarButtonComponent-label",
                 has_text="Validate").first.click()
    result = page.locator(".validation-success, .validation-failed").first
    result.wait_for(timeout=300_000)
    outcome = "success" if "validation-success" in result.get_attribute("class").split() else "failed"
    page.keyboard.press("Escape")
    return outcome


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_solution_runs_in_the_browser_with_live_widgets_and_figures(page, lab, path):
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
    assert validate(page) == "success"


def test_validate_button_fails_a_released_stub(page, lab):
    stub = sorted((ROOT / course.RELEASE).glob("*/*.ipynb"))[0]
    open_notebook(page, lab, stub.relative_to(ROOT).as_posix())
    assert validate(page) == "failed"


def test_formgrader_shows_the_class_and_scores(page, lab):
    assignment = course.assignments(ROOT)[0]
    page.goto(f"{lab['base']}/lab?token={lab['token']}")  # logs in: sets the session cookie
    page.locator("#jp-main-dock-panel").wait_for(timeout=120_000)
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
