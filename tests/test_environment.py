"""The pip requirements and the conda/Binder environment list the same pinned stack."""

from __future__ import annotations

import re

import yaml
from packaging.requirements import Requirement

from conftest import ROOT


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
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if line.strip() and not line.startswith(("#", "-r")):
                assert "==" in line and "#" in line, f"{name}: {line!r} needs an exact pin and a comment saying why"


def test_environment_yml_matches_requirements():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = environment["dependencies"]
    assert any(re.fullmatch(r"python=3\.11(\.\*)?", str(d)) for d in dependencies), "environment.yml must pin python 3.11"
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
    for name, version in pins((ROOT / "requirements-dev.txt").read_text().splitlines()).items():
        assert constraints.get(name) == version, f"constraints.txt disagrees with the pin {name}=={version}"
