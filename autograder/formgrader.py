"""Formgrader's *Autograde* button through the course's grader.

Plain formgrader autogrades inside the Jupyter server, with nbgrader's in-kernel execution: no
sandbox, no time or memory limit per job, none of the course's submission checks (links, FIFOs,
repeated cell ids), manual grades flagged again, and a notebook that never ends freezes the
instructor's server. :func:`install`, called by the course's nbgrader configuration, makes the
button run ``python -m autograder grade --assignment A --student S`` instead, in a process of its
own (the same grading as ``make autograde``: sandboxed kernel, private course copy, limits per
cell and per job, reports rewritten), and makes formgrader's request wait for it without
blocking the server: other pages keep working while a submission is graded. Formgrader's page of a
submission shows its formulas as MathML made on the server, as the feedback does, instead of
loading MathJax from a CDN (:class:`autograder.feedback.OfflineMathExporter`).

One writer per course: *Collect*, *Generate Feedback* and *Release Feedback* write the
``submitted/`` and ``feedback/`` folders and the exchange that ``python -m autograder watch`` writes
(and Autograde runs ``python -m autograder grade``, which takes the course's lock itself), so each
takes the course's writer lock (:func:`autograder.watchstate.hold`) while it runs: while the
service runs, the button answers with a message naming it, instead of racing it (a feedback page
released with hidden-test results withheld would be replaced by the full one). Manual grading
writes manual scores and comments, which grading keeps (an answer that changed is flagged for
manual grading again, as in batch grading): it works beside the service.

It patches only modules that are already imported, so loading the configuration costs nothing in
the students' commands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from autograder import course
from autograder.exchange import student_id_problem

#: The longest one Autograde click may take: one job's wall-clock limit
#: (``autograder.jobs.SUBMISSION_TIMEOUT``) and the command's start and reports.
TIMEOUT = 1800 + 300
_INSTALLED = "_autograder_course_grader"


def autograde(api, assignment_id: str, student_id: str, force: bool = True, create: bool = True) -> dict:
    """``NbGraderAPI.autograde`` as the course grades: returns nbgrader's answer, a dict with
    ``success``, ``log`` and, on failure, ``error``. (``force`` and ``create`` are always true
    for the course's grader: it grades again, and adds unknown students.)"""
    root = Path(api.coursedir.root).resolve()
    problem = student_id_problem(student_id)
    if problem or assignment_id not in course.assignments(root):
        return {"success": False, "error": f"cannot grade {student_id!r} on {assignment_id!r}: "
                                            f"{problem or 'no such assignment'}", "log": ""}
    command = [sys.executable, "-m", "autograder", "--course", str(root), "grade", "--assignment", assignment_id,
               "--student", student_id, "--quiet"]
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    try:
        done = subprocess.run(command, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or "") + (expired.stderr or "")
        output = output.decode(errors="replace") if isinstance(output, bytes) else output
        return {"success": False, "error": f"grading took longer than {TIMEOUT} s and was stopped", "log": output}
    log = done.stdout + done.stderr
    if done.returncode == 2 and "is running on this course" in log:   # refused: another writer holds the lock
        return {"success": False, "error": _lines(log.strip()), "log": ""}
    if done.returncode != 0:
        return {"success": False, "error": log[-4000:] or f"exit status {done.returncode}", "log": log}
    return {"success": True, "log": log}


#: formgrader's API methods that write what the service writes, and what each is called in a message.
ONE_WRITER = {"collect": "Collect", "generate_feedback": "Generate Feedback", "release_feedback": "Release Feedback"}


def _lines(text: str) -> str:
    """``text`` in lines short enough for formgrader's dialog (it shows them unwrapped)."""
    return "\n".join(textwrap.wrap(text, 80, break_on_hyphens=False))


def refusal(button: str, busy: Exception) -> str:
    """What formgrader shows when ``button`` is refused because another writer holds the lock."""
    return _lines(f"formgrader's {button}: {busy}, which writes the same submitted/, feedback/ and exchange. "
                  "Wait for it to finish, or stop the watch service (it loses nothing: `systemctl stop "
                  "autograder-watch`), then try again")


def _one_writer(name: str, original):
    """``NbGraderAPI.<name>`` holding the course's writer lock; refused with :func:`refusal`'s
    message (nbgrader's answer for a failure: ``success`` false, ``error``) when it is held."""
    from autograder import watchstate

    def method(self, *args, **kwargs):
        root = Path(self.coursedir.root).resolve()
        lock = watchstate.hold(root, "formgrader")
        try:
            lock.__enter__()
        except watchstate.Busy as busy:
            return {"success": False, "error": refusal(ONE_WRITER[name], busy), "log": ""}
        try:
            return original(self, *args, **kwargs)
        finally:
            lock.__exit__(None, None, None)

    setattr(method, _INSTALLED, True)
    method.__doc__ = original.__doc__
    return method


def install() -> None:
    """Route formgrader's Autograde through :func:`autograde` (in a process where nbgrader's
    API and formgrader's handlers are imported; elsewhere, nothing)."""
    api = sys.modules.get("nbgrader.apps.api")
    if api is not None and not getattr(api.NbGraderAPI.autograde, _INSTALLED, False):
        def course_autograde(self, assignment_id, student_id, force=True, create=True):
            return autograde(self, assignment_id, student_id, force, create)

        setattr(course_autograde, _INSTALLED, True)
        course_autograde.__doc__ = autograde.__doc__
        api.NbGraderAPI.autograde = course_autograde
    for name in ONE_WRITER if api is not None else ():
        if not getattr(getattr(api.NbGraderAPI, name), _INSTALLED, False):
            setattr(api.NbGraderAPI, name, _one_writer(name, getattr(api.NbGraderAPI, name)))
    handlers = sys.modules.get("nbgrader.server_extensions.formgrader.apihandlers")
    if handlers is not None and not getattr(handlers.AutogradeHandler.post, _INSTALLED, False):
        handlers.AutogradeHandler.post = _nonblocking_post(handlers)
    base = sys.modules.get("nbgrader.server_extensions.formgrader.base")
    if base is not None and not getattr(base.BaseHandler.exporter.fget, _INSTALLED, False):
        base.BaseHandler.exporter = property(_offline_math_exporter)


def _offline_math_exporter(handler):
    """formgrader's exporter of a submission's page, with formulas as MathML instead of MathJax
    from a CDN (:class:`autograder.feedback.OfflineMathExporter`, same configuration and template)."""
    from autograder.feedback import OfflineMathExporter

    settings = handler.settings
    if "autograder_exporter" not in settings:
        settings["autograder_exporter"] = OfflineMathExporter(config=settings["nbgrader_exporter"].config)
    return settings["autograder_exporter"]


setattr(_offline_math_exporter, _INSTALLED, True)


def _nonblocking_post(handlers):
    """formgrader's ``AutogradeHandler.post``, with the grading run in a thread: the server's
    event loop goes on serving while the request waits."""
    from tornado import web
    from tornado.ioloop import IOLoop

    base = sys.modules["nbgrader.server_extensions.formgrader.base"]

    @web.authenticated
    @base.check_xsrf
    @base.check_notebook_dir
    async def post(self, assignment_id, student_id):
        api = self.api
        result = await IOLoop.current().run_in_executor(None, api.autograde, assignment_id, student_id)
        self.write(json.dumps(result))

    setattr(post, _INSTALLED, True)
    return post
