"""`make doctor` (python -m coursekit doctor) and the Binder set-up."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT
from coursekit import doctor


def test_doctor_passes_on_this_environment():
    done = subprocess.run([sys.executable, "-m", "coursekit", "doctor"], capture_output=True, text=True,
                          cwd=ROOT, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All set" in done.stdout


def test_doctor_names_a_disabled_extension():
    report = "\n".join(f"{name} enabled" for (_, name) in doctor.EXTENSIONS)
    assert doctor.check_extensions(report) == []
    problems = doctor.check_extensions(report.replace("@jupyter/nbgrader enabled", "@jupyter/nbgrader disabled"))
    assert len(problems) == 1 and "nbgrader's JupyterLab interface" in problems[0]


def test_doctor_notices_a_damaged_photo(tmp_path, monkeypatch):
    for path in (ROOT / "data").iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(doctor, "DATA_DIR", tmp_path)
    assert doctor.check_data() == []
    (tmp_path / "coffee.png").write_bytes(b"not a photo")
    (tmp_path / "rocket.jpg").unlink()
    problems = doctor.check_data()
    assert any("coffee.png is damaged" in p for p in problems) and any("rocket.jpg is missing" in p for p in problems)


def test_binder_post_build_installs_the_course_and_runs_the_doctor():
    post_build = ROOT / "postBuild"
    assert os.access(post_build, os.X_OK)
    text = post_build.read_text()
    assert "pip install --no-deps -e ." in text and "coursekit doctor" in text
    assert not (ROOT / "binder").exists(), "a binder/ folder would make repo2docker ignore the top-level files"
