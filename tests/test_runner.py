"""Grading jobs forked from the pre-loaded fork server (autograder/runner.py): each is still a
process of its own, with its folder, environment, output, memory limit and time limit."""

from __future__ import annotations

import subprocess
import sys
import time
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


def test_with_a_cpu_log_each_job_appends_its_cpu_time_and_arguments(tmp_path: Path):
    log = tmp_path / "cpu.log"
    env = dict(course.nbgrader_env(), **{runner.CPU_LOG: str(log)})
    for _ in range(2):
        assert run(tmp_path, "--version", env=env).returncode == 0
    lines = [line.split("\t") for line in log.read_text().splitlines()]
    assert [args for _, *args in lines] == [["--version"]] * 2
    assert all(0 <= float(seconds) < 60 for seconds, *_ in lines)
    assert run(tmp_path, "--version").returncode == 0 and len(log.read_text().splitlines()) == 2   # unset: nothing


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


def test_nbgraders_metadata_check_gives_the_same_verdicts_with_its_schema_checked_once(monkeypatch):
    import jsonschema
    import pytest
    from nbgrader.nbgraderformat import MetadataValidator

    from autograder.schemas import OnceCheckedSchemas

    schema = MetadataValidator().schema
    good = {"grade": True, "grade_id": "t", "locked": True, "points": 1, "schema_version": 3, "solution": False}
    bad = [dict(good, points="one"), dict(good, grade="yes"), {k: v for k, v in good.items() if k != "locked"},
           dict(good, extra=1)]
    checks = []
    kind = jsonschema.validators.validator_for(schema)
    original = kind.check_schema
    monkeypatch.setattr(kind, "check_schema", classmethod(lambda cls, s, **k: (checks.append(s), original(s))[1]))
    once = OnceCheckedSchemas()
    for _ in range(3):
        once.validate(good, schema)
    for instance in bad:
        try:
            jsonschema.validate(instance, schema)
        except jsonschema.ValidationError as error:
            expected = error.message
        else:
            expected = None
        if expected is None:
            once.validate(instance, schema)
        else:
            with pytest.raises(jsonschema.ValidationError) as raised:
                once.validate(instance, schema)
            assert raised.value.message == expected
    assert sum(1 for s in checks if s is schema) == 1 + len(bad), "jsonschema.validate checks the schema every time"
    with pytest.raises(jsonschema.SchemaError):
        OnceCheckedSchemas().validate({}, {"type": 12})


def test_a_single_threaded_command_forks_its_jobs_itself_and_a_threaded_one_uses_the_fork_server(tmp_path: Path):
    script = f"""
import threading, multiprocessing.forkserver as fs
from pathlib import Path
from autograder import course, runner
runner.fork_from_this_process()
def version():
    done = runner.run_nbgrader(["--version"], cwd=Path({str(tmp_path)!r}), env=course.nbgrader_env(),
                               log=Path({str(tmp_path)!r}) / "job.log", timeout=120)
    assert done.returncode == 0 and done.output.strip(), done
    return fs._forkserver._forkserver_pid is not None
print("fork server after a job from one thread:", version())
stop = threading.Event()
waiting = threading.Thread(target=stop.wait)
waiting.start()
print("fork server after a job with two threads:", version())
stop.set()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "fork server after a job from one thread: False" in done.stdout
    assert "fork server after a job with two threads: True" in done.stdout


def test_several_commands_run_side_by_side_in_order_each_with_its_time_limit(tmp_path: Path):
    # nbgrader runs the folder's nbgrader_config.py: it hangs the `db student list` command only
    (tmp_path / "nbgrader_config.py").write_text("import sys, time\nif 'student' in sys.argv:\n    time.sleep(120)\n")
    (tmp_path / "logs").mkdir()
    commands = [["--version"], ["db", "student", "list"], ["--version"], ["--version"]]
    started = time.monotonic()
    done = runner.run_many(commands, cwd=tmp_path, env=course.nbgrader_env(), folder=tmp_path / "logs", jobs=2,
                           timeout=5)
    assert time.monotonic() - started < 60
    assert [d.returncode for d in done] == [0, None, 0, 0]
    assert all(nbgrader.__version__ in done[i].output for i in (0, 2, 3))
