"""Installing the layers: a make target per layer, the docs naming it, and a command whose
modules are missing saying which target installs them (never a traceback)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

#: Runs ``python -m autograder ARGS`` with the modules of BLOCKED impossible to import, as in an
#: environment where they were never installed.
BLOCKING = """
import sys
for name in {blocked!r}:
    sys.modules[name] = None
from autograder.__main__ import main
sys.exit(main({args!r}))
"""


def run_without(blocked: list[str], args: list[str], cwd) -> subprocess.CompletedProcess[str]:
    code = BLOCKING.format(blocked=blocked, args=args)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300,
                          check=False)


@pytest.mark.parametrize(("blocked", "args"), [
    (["nh3"], ["worker", "--broker", "redis://127.0.0.1:9/0"]),
    (["celery"], ["worker", "--broker", "redis://127.0.0.1:9/0"]),
    (["redis"], ["worker", "--broker", "redis://127.0.0.1:9/0"]),
    (["redis"], ["grade", "--broker", "redis://127.0.0.1:9/0"]),
    (["nh3"], ["grade"]),
    (["nh3"], ["feedback"]),
    (["nh3"], ["export"]),
    (["nh3"], ["release", "--output", "elsewhere"]),
    (["nh3"], ["demo", "--rebuild"]),
    (["nh3"], ["clean"]),
    (["nh3"], ["roster", "roster.csv"]),
    (["psycopg2"], ["export", "--db", "postgresql+psycopg2://someone@127.0.0.1:9/nothing"]),
])
def test_a_missing_module_names_the_make_target(scratch_course, blocked, args):
    done = run_without(blocked, [*args, "--course", str(scratch_course)], scratch_course)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert f"{blocked[0]} is not installed" in done.stderr and "`make grader-env`" in done.stderr, done.stderr
    assert not (scratch_course / "reports").exists()


def test_each_layer_has_a_make_target():
    """``make grader-env`` installs the grading layer (nh3, Celery, Redis's client), which the
    worker docs tell worker machines to run; the student layer's stamp is not enough there."""
    plans = {}
    for target in ("student-env", "grader-env", "dev-env"):
        done = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        plans[target] = done.stdout
    assert "requirements.txt" in plans["student-env"] and "requirements-grader.txt" not in plans["student-env"]
    assert "-r requirements-grader.txt" in plans["grader-env"] and "requirements-dev.txt" not in plans["grader-env"]
    assert "-r requirements-dev.txt" in plans["dev-env"]
    grading = (ROOT / "requirements-grader.txt").read_text(encoding="utf-8")
    assert all(f"{package}==" in grading for package in ("nh3", "celery", "redis"))
    workers = (ROOT / "docs" / "workers.md").read_text(encoding="utf-8")
    assert "make .venv/.installed`" not in workers and workers.count("make grader-env") >= 3
