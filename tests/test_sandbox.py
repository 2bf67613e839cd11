"""The sandbox on its own: what a program started through it can see, change and use."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder import sandbox
from conftest import ROOT

PROBE = textwrap.dedent('''
    import json, os, resource, sys
    def can_read(path):
        try:
            os.listdir(path) if os.path.isdir(path) else open(path).read(1)
            return True
        except OSError:
            return False
    def can_write(path):
        try:
            with open(path, "w") as handle:
                handle.write("x")
            return True
        except OSError:
            return False
    import numpy, coursekit
    print(json.dumps({
        "uid": os.getuid(),
        "solutions": can_read(sys.argv[1] + "/solutions"),
        "tests": can_read(sys.argv[1] + "/tests"),
        "coursekit": can_read(os.path.dirname(coursekit.__file__)),
        "photo": len(coursekit.load_photo("coffee")) > 0,
        "write_scratch": can_write(sys.argv[2] + "/note.txt"),
        "write_venv": can_write(os.path.dirname(numpy.__file__) + "/x.py"),
        "write_tmp_outside": can_write("/etc/x"),
        "memory": resource.getrlimit(resource.RLIMIT_AS)[0],
        "processes": resource.getrlimit(resource.RLIMIT_NPROC)[0],
        "pid": os.getpid(),
        "network": sorted(os.listdir("/sys/class/net")) if os.path.isdir("/sys/class/net") else [],
    }))
''')


@pytest.fixture
def probe(tmp_path: Path) -> dict:
    import coursekit
    import coursekit.data

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    scratch.chmod(0o755)
    (scratch / "probe.py").write_text(PROBE)
    limits = sandbox.Limits(memory_mb=2048, processes=64, file_size_mb=1)
    with sandbox.lease_slot() as slot:
        sandbox.prepare_scratch(scratch, slot)
        command = sandbox.kernel_command(
            [sys.executable, str(scratch / "probe.py"), str(ROOT), str(scratch)], scratch, scratch,
            [Path(coursekit.__file__).resolve().parent, coursekit.data.DATA_DIR.resolve()], limits, slot)
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                              env={"PATH": "/usr/bin:/bin", "COURSE_DATA_DIR": str(coursekit.data.DATA_DIR.resolve())})
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout), slot=slot)


def test_the_sandbox_hides_the_course_but_not_what_notebooks_need(probe):
    assert not probe["solutions"], "the sandbox can read solutions/ (the hidden tests)"
    assert not probe["tests"]
    assert probe["coursekit"] and probe["photo"]


def test_the_sandbox_writes_only_to_its_scratch_folder(probe):
    assert probe["write_scratch"]
    assert not probe["write_venv"] and not probe["write_tmp_outside"]


def test_the_sandbox_applies_its_limits_and_namespaces(probe):
    assert probe["memory"] == 2048 * 2**20
    assert probe["processes"] == 64
    assert probe["pid"] < 10, "the sandbox should have its own process namespace"
    assert probe["network"] in ([], ["lo"]), "the sandbox should have no network but loopback"
    if sandbox.os.geteuid() == 0:
        assert probe["uid"] == sandbox.UID_BASE + probe["slot"]


def test_a_missing_bubblewrap_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.bwrap_path()


def test_the_test_suite_stops_at_once_without_bubblewrap(tmp_path: Path):
    """`make test` on a machine without bubblewrap: one clear message, not a hundred failures."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_data.py"],
                          cwd=ROOT, env={"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "apt-get install bubblewrap" in done.stdout + done.stderr
    assert " passed" not in done.stdout
