"""What a student's notebook displays is data, never code, where the instructor opens it.

A class of one assignment: an honest student whose notebook shows a PNG figure, and a
student whose notebook displays hostile outputs (``<script>``, ``onerror=``, an ``<iframe>``,
a ``javascript:`` link, SVG with a script, Markdown with HTML, ``application/javascript``, a
PNG whose data breaks out of its attribute) and holds a markdown answer and a raw cell with
the same. Every payload tries to set ``window.__pwned`` and to start a kernel through the
Jupyter server's ``/api/kernels`` with the instructor's cookies.

Graded and given feedback through the real commands; then a JupyterLab server is started,
the instructor logs in in Chromium, and formgrader's views of both submissions and both
feedback pages (served from the server's own origin, the worst case) are opened: no payload
may run, no kernel may start, the figure must still show. A control page (the same
notebook exported by plain nbconvert) proves that the payloads do run when not cleaned.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbgrader.api import Gradebook

from autograder import course, demo, notebooks, sanitize
from conftest import ROOT
from test_browser import CHROMIUM, CHROMIUM_ARGS, free_port
from test_hostile_files import one_assignment_course

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed (apt-get install chromium); CI installs it"),
    pytest.mark.xdist_group("browser"),
]

ASSIGNMENT = course.assignments(ROOT)[0]
(NOTEBOOK,) = [p.stem for p in course.source_notebooks(ROOT, ASSIGNMENT)]
STUDENTS = ("honest", "mallory")


def payload(tag: str, base: str, scope: str = "window") -> str:
    """JavaScript (no double quotes) that records ``tag`` and asks the server for a kernel."""
    return (f"({scope}.__pwned = {scope}.__pwned || []).push('{tag}');"
            f"{scope}.fetch('{base}/api/kernels', {{method: 'POST', body: '{{}}', headers: {{'X-XSRFToken':"
            f" ({scope}.document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || ''}}}});")


def hostile_outputs(base: str) -> list[dict]:
    """The mime bundles the student's code displays."""
    srcdoc = f"&lt;script&gt;{payload('iframe', base, 'parent')}&lt;/script&gt;"
    return [
        {"text/html": f"<b>table</b><script>{payload('script', base)}</script>"},
        {"text/html": f'<img src="x" onerror="{payload("onerror", base)}">'},
        {"text/html": f'<iframe srcdoc="{srcdoc}"></iframe>'},
        {"text/html": "<a href=\"javascript:(window.__pwned=window.__pwned||[]).push('html-link')\">pwn-link</a>"},
        {"image/svg+xml": f'<svg xmlns="http://www.w3.org/2000/svg" onload="{payload("svg-onload", base)}">'
                          f'<script>{payload("svg-script", base)}</script><circle r="5"/></svg>'},
        {"application/javascript": payload("javascript", base)},
        {"text/markdown": f'markdown <img src="x" onerror="{payload("markdown-output", base)}">'},
        {"image/png": f'x" onerror="{payload("png-attribute", base)}'},
        {"application/vnd.jupyter.widget-view+json": {"model_id": "0" * 32, "version_major": 2, "version_minor": 0},
         "text/plain": "a widget"},
    ]


def hostile_markdown(base: str) -> str:
    return (f"My answer.\n\n<script>{payload('md-script', base)}</script>\n\n"
            f'<img src="x" onerror="{payload("md-onerror", base)}">\n\n'
            f'<iframe srcdoc="&lt;script&gt;{payload("md-iframe", base, "parent")}&lt;/script&gt;"></iframe>\n\n'
            "[pwn-link](javascript:(window.__pwned=window.__pwned||[]).push('md-link'))\n")


FIGURE = """import io
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
from IPython.display import Image, display
fig, ax = plt.subplots(figsize=(2, 2))
ax.plot([0, 1], [0, 1])
buffer = io.BytesIO()
fig.savefig(buffer, format="png")
display(Image(data=buffer.getvalue(), format="png"))
"""


def mallory(base: str) -> nbformat.NotebookNode:
    """A notebook with full marks, hostile outputs (displayed by its code and stored, as if
    it had been run), a hostile markdown answer and a hostile raw cell."""
    bundles = hostile_outputs(base)
    code = "from IPython.display import display\n" + "".join(
        f"display({json.dumps(b)}, raw=True)\n" for b in bundles)
    nb = demo.filled(ROOT, ASSIGNMENT, NOTEBOOK, {}, after={"translate": code})
    index = next(i for i, c in enumerate(nb.cells) if c.get("id") == "student-translate")
    nb.cells[index].outputs = [nbformat.v4.new_output("display_data", data=b) for b in bundles]
    nb.cells.insert(index + 1, nbformat.v4.new_markdown_cell(hostile_markdown(base), id="student-answer"))
    nb.cells.insert(index + 2, nbformat.v4.new_raw_cell(f"<script>{payload('raw', base)}</script>", id="student-raw"))
    return nb


def kernels(lab) -> list:
    with urllib.request.urlopen(f"{lab['base']}/api/kernels?token={lab['token']}", timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base_dir = tmp_path_factory.mktemp("hostile-html")
    root = one_assignment_course(base_dir / "course")
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    submitted = root / course.SUBMITTED
    honest = demo.filled(ROOT, ASSIGNMENT, NOTEBOOK, {}, after={"translate": FIGURE})
    hostile = mallory(base)
    for student, nb in (("honest", honest), ("mallory", hostile)):
        (submitted / student / ASSIGNMENT).mkdir(parents=True)
        (submitted / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb").write_text(
            notebooks.dumps(nb) if student == "honest" else nbformat.writes(nb), encoding="utf-8")
    for command in ("grade", "feedback"):
        done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), command,
                               *(["--quiet"] if command == "grade" else [])],
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout + done.stderr
    control = HTMLExporter().from_notebook_node(hostile)[0]   # plain nbconvert, nothing cleaned

    env = dict(course.nbgrader_env())
    log = (base_dir / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         *(["--allow-root"] if os.geteuid() == 0 else []),
         f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "JupyterLab did not start"
            time.sleep(0.5)
    yield {"base": base, "token": token, "root": root, "control": control}
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def instructor(lab):
    """A Chromium page logged in to the server as the instructor; nothing leaves 127.0.0.1."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(lab["base"])
                      or not route.request.url.startswith("http") else route.abort())
        page = context.new_page()
        page.goto(f"{lab['base']}/lab?token={lab['token']}")
        page.locator("#jp-main-dock-panel").wait_for(timeout=120_000)
        assert any(c["name"] == "_xsrf" for c in context.cookies())
        yield page
        browser.close()


def visit(page, url: str, html: str | None = None) -> list | None:
    """Open ``url`` (served with ``html`` if given, from the server's origin), click every
    ``pwn-link``, wait for the payloads; return what they recorded in ``window.__pwned``."""
    if html is not None:
        page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(url, wait_until="load")
    for link in page.locator("a", has_text="pwn-link").all():
        link.click(timeout=5_000, no_wait_after=True)
    page.wait_for_timeout(1_500)
    if html is not None:
        page.unroute(url)
    return page.evaluate("() => window.__pwned || null")


def submission_url(lab, student: str) -> str:
    with Gradebook(f"sqlite:///{lab['root'] / 'gradebook.db'}") as gradebook:
        submission_id = gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student).id
    return f"{lab['base']}/formgrader/submissions/{submission_id}/"


def feedback_html(lab, student: str) -> str:
    (path,) = (lab["root"] / "feedback" / student / ASSIGNMENT).glob("*.html")
    return path.read_text(encoding="utf-8")


def test_the_payloads_run_when_not_cleaned(instructor, lab):
    """The control: plain nbconvert's export of the same notebook, opened in the same
    session, runs the payloads and starts a kernel as the instructor."""
    before = {k["id"] for k in kernels(lab)}
    ran = visit(instructor, f"{lab['base']}/control-export.html", lab["control"])
    assert ran and {"script", "onerror", "iframe", "javascript", "md-script", "md-onerror", "md-link"} <= set(ran)
    deadline = time.monotonic() + 60
    while not (started := [k["id"] for k in kernels(lab) if k["id"] not in before]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert started, "the payload could not start a kernel: the control proves nothing"
    for kernel_id in started:
        request = urllib.request.Request(f"{lab['base']}/api/kernels/{kernel_id}?token={lab['token']}", method="DELETE")
        urllib.request.urlopen(request, timeout=30)


@pytest.mark.parametrize("view", ["formgrader", "feedback"])
@pytest.mark.parametrize("student", STUDENTS)
def test_nothing_runs_where_the_instructor_opens_a_submission(instructor, lab, view, student):
    before = {k["id"] for k in kernels(lab)}
    if view == "formgrader":
        url, html = submission_url(lab, student), None
    else:
        url, html = f"{lab['base']}/feedback-{student}.html", feedback_html(lab, student)
    ran = visit(instructor, url, html)
    assert ran is None, f"student content ran in the {view} view: {ran}"
    assert {k["id"] for k in kernels(lab)} == before, "student content started a kernel"
    text = instructor.locator("body").inner_text()
    assert "translate" in text    # the page is the submission, rendered
    if student == "honest":
        figure = instructor.locator("img[src^='data:image/png']").first
        figure.scroll_into_view_if_needed()
        assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
        assert "[autograder]" not in text
    else:
        assert "My answer." in text and "shown as text" in text   # the markdown answer, readable and marked
        assert "[autograder]" in text and "application/javascript was removed" in text


def test_hostile_content_does_not_change_scores(lab):
    scores: dict[str, float] = {}
    with (lab["root"] / course.REPORTS / "grades.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["assignment"] == ASSIGNMENT:
                scores[row["student_id"]] = scores.get(row["student_id"], 0.0) + float(row["score"])
    full = sum(cell.max_score for cell in course.test_cells(ROOT, ASSIGNMENT))
    assert scores == {"honest": full, "mallory": full}


def test_the_course_text_is_left_as_it_is():
    """Markdown without raw HTML or harmful links is kept as written: every markdown cell
    of the course (what students start from) passes unchanged."""
    for path in sorted((ROOT / course.RELEASE).glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        before = [c.source for c in nb.cells if c.cell_type == "markdown"]
        sanitize.sanitize(nb)
        assert [c.source for c in nb.cells if c.cell_type == "markdown"] == before, path.name


def test_markdown_without_the_characters_that_can_differ_renders_the_same_both_ways():
    """``markdown_is_inert`` renders once when the source has no ``<``, ``[`` or ``&``: random
    Markdown made of everything else (protocols, bare links, code, math, quotes, tables, lists,
    emphasis, escapes) renders the same with and without escaping and link checks."""
    import random

    pieces = ["javascript:alert(1)", "vbscript:x", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd",
              "http://example.org/a?b=c", "https://x.y/z)", "www.example.org", "mailto:a@b.c", "`code`", "```\n",
              "$x > 0$", "$$\n\\frac{a}{b}\n$$", "> ", ">> ", "# ", "| a | b |\n|---|---|\n", "- ", "1. ", "* ",
              "**", "_", "~~", "\\", "\n", "\n\n", "    ", "\t", '"', "'", "(", ")", "!", ":", "=", "%3C", "#x",
              "é", "\u202e", "]", "}", "{", "@", "word", "x" * 40]
    rng = random.Random(20261130)
    for _ in range(300):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        assert not sanitize._MAY_DIFFER.search(source)
        assert sanitize._render(source, True, None) == sanitize._render(source, False, None), source
    assert sanitize.markdown_is_inert("plain *text* with `code` and http://example.org")
    assert not sanitize.markdown_is_inert("[x](javascript:alert(1))")
    assert not sanitize.markdown_is_inert("a &lt;b&gt; c")   # character references: only one render decodes them


def test_markdown_shown_as_text_cannot_close_its_fence():
    source = "```\n</code></pre><script>window.__pwned = 1</script>\n````"
    shown = sanitize.markdown_as_text(source, "why")
    assert sanitize.markdown_is_inert(shown) and source in shown


def test_sanitising_twice_changes_nothing_more():
    """Autograding and feedback both sanitise: the second pass must leave a valid notebook as is."""
    nb = mallory("http://127.0.0.1:1")
    once = nbformat.from_dict(sanitize.sanitize(nb))
    twice = sanitize.sanitize(nbformat.from_dict(once))
    assert twice == once
    nbformat.validate(twice)
