"""Grading jobs forked from the pre-loaded fork server (autograder/runner.py): each is still a
process of its own, with its folder, environment, output, memory limit and time limit."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbgrader

from autograder import course, runner


def run(tmp_path: Path, *args: str, **options) -> runner.Finished:
    options.setdefault("timeout", 120)
    env = options.pop("env", course.nbgrader_env())
    return runner.run_nbgrader(list(args), cwd=tmp_path, env=env, log=tmp_path / "job.log", **options)


def test_a_job_runs_nbgrader_and_returns_its_output(tmp_path: Path):
    done = run(tmp_path, "--version")
    assert done.returncode == 0, done.output
    assert nbgrader.__version__ in done.output


def test_a_failing_command_reports_its_exit_code_and_message(tmp_path: Path):
    done = run(tmp_path, "autograde", "no_such_assignment", "--student=nobody")
    assert done.returncode not in (0, None)
    assert done.output.strip(), "the job's error message was lost"


def test_a_job_runs_in_its_folder(tmp_path: Path):
    done = run(tmp_path, "generate_config")
    assert done.returncode == 0, done.output
    assert (tmp_path / "nbgrader_config.py").is_file()   # written to the job's folder, not the grader's


def test_a_job_over_its_time_limit_is_stopped(tmp_path: Path):
    done = run(tmp_path, "--version", timeout=0.001)
    assert done.returncode is None


def test_a_job_cannot_allocate_beyond_its_memory_limit(tmp_path: Path):
    # nbgrader runs the course folder's nbgrader_config.py: here it reports the job's limit and
    # then asks for 3 GiB, above a 2 GiB limit (the pre-loaded libraries use about 0.5 GiB)
    (tmp_path / "nbgrader_config.py").write_text(
        "import pathlib, resource\n"
        "pathlib.Path('limit.txt').write_text(str(resource.getrlimit(resource.RLIMIT_AS)[0]))\n"
        "big = bytearray(3 * 2**30)\n"
    )
    done = run(tmp_path, "db", "student", "list", memory=2 * 2**30)
    assert (tmp_path / "limit.txt").read_text() == str(2 * 2**30)
    assert "MemoryError" in done.output   # nbgrader logs a failing config file and goes on
    (tmp_path / "nbgrader_config.py").unlink()
    assert run(tmp_path, "--version").returncode == 0   # the next job is unaffected


def test_jobs_run_from_several_threads_at_once(tmp_path: Path):
    folders = [tmp_path / str(i) for i in range(6)]
    for folder in folders:
        folder.mkdir()
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda folder: run(folder, "--version"), folders))
    assert [r.returncode for r in results] == [0] * len(folders)
    assert all(nbgrader.__version__ in r.output for r in results)


def test_the_fork_server_stays_single_threaded():
    """Forking a process that has other threads can deadlock the child; the pre-loaded
    libraries must not start any (NumPy's BLAS is limited to one thread)."""
    code = "import os, autograder.preload; print(len(os.listdir('/proc/self/task')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=course.nbgrader_env())
    assert done.stdout.strip() == "1", done.stdout + done.stderr
