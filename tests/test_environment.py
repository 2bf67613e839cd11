"""The pip requirements and the conda/Binder environment list the same pinned stack, and a
student's install (`make lab`) is that stack only: grading and test tools are layered on
top for instructors and maintainers."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import yaml
from packaging.requirements import Requirement

from conftest import ROOT


REQUIREMENTS = ("requirements.txt", "requirements-grader.txt", "requirements-dev.txt")
#: packages a student never needs: the test tools and the grader's database driver
NOT_FOR_STUDENTS = ("pytest", "pytest-xdist", "playwright", "psycopg2-binary", "pyyaml")


def pins(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line!r} is not pinned with =="
        found[requirement.name.lower()] = specifier.version
    return found


def test_requirements_are_pinned_and_documented():
    for name in REQUIREMENTS:
        for line in (ROOT / name).read_text().splitlines():
            if line.strip() and not line.startswith(("#", "-r")):
                assert "==" in line and "#" in line, f"{name}: {line!r} needs an exact pin and a comment saying why"


def test_environment_yml_matches_requirements():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = environment["dependencies"]
    from autograder.notebooks import LANGUAGE_INFO

    # the notebooks store the language_info of this Python, so that the lab saves them unchanged
    assert f"python={LANGUAGE_INFO['version']}" in map(str, dependencies), (
        f"environment.yml must pin python={LANGUAGE_INFO['version']}, the version the notebooks' metadata names")
    (pip_section,) = [d["pip"] for d in dependencies if isinstance(d, dict) and "pip" in d]
    conda_pins = pins([str(d) for d in pip_section])
    pip_pins = pins((ROOT / "requirements.txt").read_text().splitlines())
    assert conda_pins == pip_pins


def test_every_package_in_environment_yml_has_a_reason():
    lines = [l for l in (ROOT / "environment.yml").read_text().splitlines() if re.match(r"\s+- [a-z][^:]*$", l)]
    assert lines
    for line in lines:
        assert "#" in line, f"environment.yml: {line.strip()!r} needs a comment saying why it is there"


def test_constraints_cover_the_pins():
    constraints = pins((ROOT / "constraints.txt").read_text().splitlines())
    for requirements in REQUIREMENTS:
        for name, version in pins((ROOT / requirements).read_text().splitlines()).items():
            assert constraints.get(name) == version, f"constraints.txt disagrees with the pin {name}=={version}"


def test_each_layer_includes_the_one_below():
    assert "-r requirements.txt" in (ROOT / "requirements-grader.txt").read_text().splitlines()
    assert "-r requirements-grader.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()


def test_the_student_stack_has_no_test_or_grading_tools():
    student = pins((ROOT / "requirements.txt").read_text().splitlines())
    assert not set(student) & set(NOT_FOR_STUDENTS), sorted(set(student) & set(NOT_FOR_STUDENTS))
    for layer in ("requirements-grader.txt", "requirements-dev.txt"):
        assert not set(pins((ROOT / layer).read_text().splitlines())) & set(student), f"{layer} repeats a student pin"


def make_dry_run(target: str, tmp_path) -> str:
    """What `make TARGET` would run on a machine without the environment yet."""
    done = subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}"], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return done.stdout


def test_make_lab_installs_the_student_stack_only(tmp_path):
    commands = make_dry_run("lab", tmp_path)
    assert "-r requirements.txt" in commands and "jupyter lab" in commands
    assert "requirements-dev.txt" not in commands and "requirements-grader.txt" not in commands


def test_make_test_installs_every_layer(tmp_path):
    commands = make_dry_run("test", tmp_path)
    for requirements in REQUIREMENTS:
        assert f"-r {requirements}" in commands


@pytest.mark.xdist_group("grouping-check")
def test_grouped_tests_share_one_worker(request: pytest.FixtureRequest):
    """The slow modules grade their class once in a module fixture and mark their tests with
    ``xdist_group`` so that one worker runs them all (``--dist loadgroup``). A pytest and
    pytest-xdist pair that ignores the mark (pytest 9.2 with xdist 3.8) grades every class
    once per worker: twice the time, and two worker fleets sharing one Redis queue."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("not running under pytest-xdist")
    assert request.node.nodeid.endswith("@grouping-check"), (
        f"--dist loadgroup did not group this test (node id {request.node.nodeid!r}): "
        "check the pytest and pytest-xdist pins in requirements-dev.txt")
