"""``python -m coursekit doctor``: is this machine ready for the course? Plain words.

Checks the Python version, that every pinned package is installed in the pinned version,
that JupyterLab's nbgrader and widget extensions are enabled, and that every photo of
``data/`` is present and intact. Exits 1 when something needs fixing.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from coursekit.data import DATA_DIR

PROJECT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXTENSIONS = {
    ("server", "nbgrader.server_extensions.formgrader"): "nbgrader's formgrader (instructors)",
    ("server", "nbgrader.server_extensions.validate_assignment"): "nbgrader's Validate button",
    ("lab", "@jupyter/nbgrader"): "nbgrader's JupyterLab interface",
    ("lab", "@jupyter-widgets/jupyterlab-manager"): "interactive widgets (the sliders)",
}


def pinned_packages(requirements: Path) -> dict[str, str]:
    pins = {}
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip()] = version.strip()
    return pins


def check_python() -> list[str]:
    if sys.version_info[:2] != (3, 11):
        return [f"Python is {sys.version.split()[0]}; the course is tested with 3.11 (it may still work)."]
    return []


def check_packages() -> list[str]:
    problems = []
    for name, wanted in pinned_packages(PROJECT / "requirements.txt").items():
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed: run `make lab` (or pip install -r requirements.txt).")
            continue
        if found != wanted:
            problems.append(f"{name} is {found}, the course pins {wanted}: run `make lab` to reinstall.")
    return problems


def enabled_extensions() -> str:
    """What `jupyter server extension list` and `jupyter labextension list` report."""
    text = ""
    for kind in (["server", "extension", "list"], ["labextension", "list"]):
        done = subprocess.run([sys.executable, "-m", "jupyter", *kind], capture_output=True, text=True, check=False)
        text += ANSI.sub("", done.stdout + done.stderr)
    return text


def check_extensions(report: str | None = None) -> list[str]:
    report = enabled_extensions() if report is None else report
    problems = []
    for (_, name), what in EXTENSIONS.items():
        if not re.search(rf"{re.escape(name)}\s+(v\S+\s+)?enabled", report):
            problems.append(f"{what} is not enabled ({name}): run `jupyter server extension enable "
                            f"--sys-prefix nbgrader` / reinstall with `make lab`.")
    return problems


def check_data() -> list[str]:
    readme = DATA_DIR / "README.md"
    if not readme.is_file():
        return [f"The data folder {DATA_DIR} is missing: the notebooks cannot load their photos."]
    problems = []
    for name, digest in re.findall(r"\| `([^`]+)` \|.*`([0-9a-f]{64})` \|", readme.read_text()):
        path = DATA_DIR / name
        if not path.is_file():
            problems.append(f"The photo {name} is missing from {DATA_DIR}.")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"The photo {name} is damaged (its checksum differs): restore it from the repository.")
    return problems


def main() -> int:
    checks = [("Python", check_python), ("packages", check_packages),
              ("JupyterLab extensions", check_extensions), ("photos in data/", check_data)]
    failed = False
    for title, check in checks:
        problems = check()
        failed |= bool(problems)
        print(f"{'ok  ' if not problems else 'FIX '} {title}")
        for problem in problems:
            print(f"     - {problem}")
    print("\nAll set: `make lab` opens the course." if not failed else "\nSome things need fixing (see above).")
    return 1 if failed else 0
