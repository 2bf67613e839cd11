"""Benchmark of the live widgets as a student meets them: from a key press on a slider to
the new image in the browser.

Starts the student's lab with `make lab` (in a scratch copy of the course that shares
this repository's virtual environment), opens each solution notebook in Debian's
Chromium, runs it ("Run All Cells"), and then, for every slider of every live figure
(``coursekit.LiveFigure``), focuses the slider and presses ArrowRight / ArrowLeft in turn.
The time is measured inside the page, from the ``keydown`` event to the moment the
figure's ``<img>`` gets its new ``src``: the slider's message to the kernel, the update
(computing, drawing, JPEG encoding), the image's way back and its new object URL.

Run: ``.venv/bin/python bench/bench_widgets.py [PRESSES [NOTEBOOK...]]`` (or ``make bench``; needs
``/usr/bin/chromium``). Prints markdown: p50 / p95 / max per slider, and the machine's
load average, which these times depend on.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
COPIED = ("solutions", "notebooks", "autograder/nbgrader_config.py", "nbgrader_config.py", "Makefile",
          "requirements.txt", "requirements-grader.txt", "requirements-dev.txt", "constraints.txt",
          "pyproject.toml", ".lab")
#: a JupyterLab setting for the benchmark only: keep every cell in the page
SETTINGS = ("@jupyterlab/notebook-extension/tracker.jupyterlab-settings", '{"windowingMode": "none"}')
# lets the page script reach JupyterLab (window.jupyterapp), changed in the browser only
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
# in the page: the time of the last keydown, and of the last change of a watched image
WATCH = """(img) => {
    window.__keyAt = 0; window.__imageAt = 0;
    if (!window.__keyListener) {
        window.__keyListener = true;
        document.addEventListener('keydown', () => { window.__keyAt = performance.now(); }, true);
    }
    if (window.__observer) window.__observer.disconnect();
    window.__observer = new MutationObserver(() => { window.__imageAt = performance.now(); });
    window.__observer.observe(img, {attributes: true, attributeFilter: ['src']});
}"""


def course_copy(into: Path) -> Path:
    for name in COPIED:
        source, target = ROOT / name, into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            shutil.copy2(source, target)  # keeps the times: the environment stays up to date
    (into / ".venv").symlink_to(ROOT / ".venv")
    if subprocess.run(["make", "-q", ".venv/.installed"], cwd=into).returncode != 0:
        raise SystemExit("the environment is out of date: run `make .venv/.installed` first")
    return into


def start_lab(root: Path, log: Path) -> tuple[subprocess.Popen, str, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(16)
    settings = root.parent / "settings"
    (settings / SETTINGS[0]).parent.mkdir(parents=True)
    (settings / SETTINGS[0]).write_text(SETTINGS[1])
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --IdentityProvider.token={token}"
    server = subprocess.Popen(["make", "lab", f"LAB_ARGS={args}"], cwd=root, stdout=log.open("w"),
                              stderr=subprocess.STDOUT, start_new_session=True,
                              env=dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings)))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            return server, base, token
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"`make lab` did not start:\n{log.read_text()[-2000:]}") from None
            time.sleep(0.5)


def run_notebook(page, base: str, token: str, relative: str) -> None:
    page.goto(f"{base}/lab/workspaces/{secrets.token_hex(4)}/tree/{relative}?reset&token={token}")
    page.wait_for_function("""() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
        return k && k.status === 'idle' && w.content && w.content.widgets.length > 0; }""", timeout=180_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        const cells = w.content.widgets.filter(c => c.model.type === 'code');
        return w.sessionContext.session.kernel.status === 'idle'
            && cells.every(c => c.model.executionCount !== null); }""", timeout=900_000, polling=500)


def measure_slider(page, image, handle, presses: int) -> list[float]:
    """Seconds from each key press to the new image, pressing right and left in turn."""
    times = []
    handle.focus()
    for k in range(presses):
        page.evaluate(WATCH, image.element_handle())
        page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
        page.wait_for_function("() => window.__keyAt > 0 && window.__imageAt > window.__keyAt", timeout=60_000,
                               polling="raf")
        times.append(page.evaluate("() => (window.__imageAt - window.__keyAt) / 1000"))
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    from playwright.sync_api import sync_playwright

    presses = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    chosen = sys.argv[2:]  # notebook names (e.g. 02_equivariance); all by default
    if not CHROMIUM.exists():
        print("bench_widgets: skipped, Debian's chromium is not installed (apt-get install chromium)")
        return
    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-widgets-") as tmp:
        root = course_copy(Path(tmp) / "course")
        server, base, token = start_lab(root, Path(tmp) / "lab.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                     args=CHROMIUM_ARGS)
                for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
                    if chosen and notebook.stem not in chosen:
                        continue
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    context.add_init_script(EXPOSE_APP)
                    page = context.new_page()
                    run_notebook(page, base, token, notebook.relative_to(ROOT).as_posix())
                    live = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output"
                                        " .widget-vbox:has(> .widget-hbox .widget-slider):has(> .widget-image)")
                    for w in range(live.count()):
                        widget = live.nth(w)
                        widget.scroll_into_view_if_needed()
                        image = widget.locator("> .widget-image").first
                        sliders = widget.locator(".widget-slider")
                        for s in range(sliders.count()):
                            name = sliders.nth(s).locator(".widget-label").first.inner_text().strip()
                            handle = sliders.nth(s).locator(".noUi-handle").first
                            times = measure_slider(page, image, handle, presses)
                            rows.append((notebook.stem, w + 1, name, times))
                    context.close()
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
    load_after = os.getloadavg()

    print("### Live widgets: key press to new image, in Chromium (`bench_widgets.py`)")
    print()
    print(f"{presses} presses per slider (ArrowRight and ArrowLeft in turn), timed in the page from the "
          f"`keydown` to the image's new `src`. Load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after, on {os.cpu_count()} cores.")
    print()
    print("| notebook | widget | slider | p50 (ms) | p95 (ms) | max (ms) | under 100 ms |")
    print("|---|---|---|---:|---:|---:|---:|")
    for notebook, widget, name, times in rows:
        under = sum(t < 0.1 for t in times) / len(times)
        print(f"| {notebook} | {widget} | {name} | {statistics.median(times) * 1e3:.0f} | "
              f"{percentile(times, 0.95) * 1e3:.0f} | {max(times) * 1e3:.0f} | {under:.0%} |")


if __name__ == "__main__":
    main()
