"""Calls of a student's functions in a real sandboxed kernel (``StudentKernel.call``).

The calls of a test cell go through one loop running in the kernel (``wire.serve``), over a
Unix socket of the kernel's scratch folder: a request, the kernel's requests to run grader-side
callables, the answer. These tests drive that loop through what can go wrong: errors,
grader-side callbacks, the student's own ``input()``, forged answers, a call that never
returns, a kernel that dies, and code run between calls.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import coursekit
import coursekit.data
from autograder import kernel as kernel_module
from autograder import sandbox, verdicts, wire
from autograder.kernel import CallTimeout, KernelDied, StudentKernel

STUDENT_CODE = '''
import time
import numpy as np

def relu(x):
    return np.maximum(x, 0)

def picky(x):
    if x < 0:
        raise ValueError("negative")
    return x

def apply(f, x):
    return f(x) + 1

def builds_on_picky(x):
    return picky(x) * 10

def asks():
    return input("your name? ")

def forever():
    while True:
        time.sleep(0.05)

def vanish():
    import os
    os._exit(3)
'''


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudentKernel]:
    scratch = tmp_path_factory.mktemp("kernel")
    os.chmod(scratch, 0o755)
    (scratch / "work").mkdir()
    data = coursekit.data.DATA_DIR.resolve()
    started = StudentKernel(scratch, scratch / "work", [Path(coursekit.__file__).resolve().parent, data], data,
                            sandbox.Limits())
    started.start()
    try:
        define(started)
        yield started
    finally:
        started.stop()


def define(kernel: StudentKernel) -> None:
    done = kernel.execute(STUDENT_CODE, 60)
    assert done.status == "ok", done.outputs
    kernel.load_harness()


def call(kernel: StudentKernel, name: str, *args: object, timeout: float = 30) -> tuple:
    """(exception or None, value) of the student's function, read as the verdicts read it."""
    answer = kernel.call(name, args, {}, timeout, verdicts._run_grader_function)
    raised, value, *_ = verdicts._read_answer(answer, name)
    return raised, value


def test_many_calls_share_one_loop_and_return_plain_data(kernel):
    for i in range(50):
        raised, value = call(kernel, "relu", np.array([-1.0, float(i)]))
        assert raised is None and type(value) is np.ndarray and value.tolist() == [0.0, float(i)]
    serving = kernel._serving
    assert serving is not None
    call(kernel, "picky", 1)
    assert kernel._serving == serving, "each call started a new execution"


def test_an_exception_comes_back_as_its_builtin_class(kernel):
    raised, _ = call(kernel, "picky", -1)
    assert isinstance(raised, ValueError) and "negative" in str(raised)
    assert call(kernel, "picky", 2) == (None, 2)   # the loop goes on


def test_a_grader_side_function_is_run_by_the_grader(kernel):
    def double(x):
        return 2 * x
    assert call(kernel, "apply", double, 20) == (None, 41)


def test_a_lent_function_stands_for_the_students_own_during_one_call(kernel):
    """What in_place_of lends reaches the student's function in the kernel, runs in the grader,
    and is gone after the call."""
    def course_picky(x):
        if x > 100:
            raise ValueError("too large for the course")
        return -x
    answer = kernel.call("builds_on_picky", (3,), {}, 30, verdicts._run_grader_function, {"picky": course_picky})
    assert verdicts._read_answer(answer, "builds_on_picky")[:2] == (None, -30)
    answer = kernel.call("builds_on_picky", (101,), {}, 30, verdicts._run_grader_function, {"picky": course_picky})
    raised = verdicts._read_answer(answer, "builds_on_picky")[0]
    assert isinstance(raised, ValueError) and "too large for the course" in str(raised)
    assert call(kernel, "builds_on_picky", 3) == (None, 30)           # the student's own picky again
    assert call(kernel, "picky", 3) == (None, 3)


def test_the_students_own_input_gets_no_answer_of_the_grader(kernel):
    raised, value = call(kernel, "asks")
    assert raised is None and isinstance(value, str) and "error" in value   # not a request, not a secret
    assert call(kernel, "picky", 3) == (None, 3)


def test_code_between_calls_ends_the_loop_and_the_next_call_starts_one(kernel):
    call(kernel, "picky", 4)
    done = kernel.execute("x_between = 5", 30)
    assert done.status == "ok" and kernel._serving is None
    assert call(kernel, "picky", 6) == (None, 6)


def test_the_harness_is_defined_once_per_run_of_code_and_again_when_a_call_removed_it(kernel):
    """Test cells one after another share the harness and its loop (no code runs in the kernel
    between them); after the student's code ran, it is defined again, so a cell cannot replace
    its reports; a call that deletes or breaks it only makes the next call define it again."""
    kernel.load_harness()   # as each test cell starts
    call(kernel, "picky", 1)
    executions = []
    original = kernel.execute
    kernel.execute = lambda code, *args, **kwargs: executions.append(code) or original(code, *args, **kwargs)
    try:
        kernel.load_harness()
        assert executions == [] and kernel._serving is not None, "the harness was defined again for nothing"
    finally:
        del kernel.execute
    harness = kernel_module.HARNESS
    # a student's cell replaces the harness's reports: the next test cell has the real ones again
    assert kernel.execute(f"{harness}.call_in_kernel = lambda *args, **kwargs: '{{\"value\": {{\"t\": \"int\", "
                          f"\"v\": 5}}}}'", 30).status == "ok"
    kernel.load_harness()
    assert call(kernel, "picky", 6) == (None, 6)
    # a call deletes or breaks the harness between two test cells: the next call defines it again
    assert kernel.execute(f"def breaks(how):\n    exec(how, globals())\n    return 0\n", 30).status == "ok"
    for removal in (f"del {harness}", f"{harness}.serve = lambda *args: None"):
        kernel.load_harness()
        assert call(kernel, "breaks", removal) == (None, 0)
        kernel.end_calls()
        kernel.load_harness()   # as the next test cell does: no code ran since, nothing to define
        assert call(kernel, "picky", 5) == (None, 5), removal
        assert call(kernel, "relu", -2.0) == (None, 0.0), removal


def test_a_call_that_never_returns_times_out_and_the_kernel_goes_on(kernel):
    with pytest.raises(CallTimeout):
        call(kernel, "forever", timeout=2)
    assert kernel.alive()
    assert call(kernel, "picky", 7) == (None, 7)
    assert kernel.execute("y_after = 1", 30).status == "ok"


def test_a_kernel_that_dies_in_a_call_is_reported_and_can_be_restarted(kernel):
    with pytest.raises(KernelDied):
        call(kernel, "vanish")
    kernel.restart()
    define(kernel)
    assert call(kernel, "picky", 8) == (None, 8)


def test_a_forged_answer_prompt_is_only_data(kernel):
    """The student's code asks ``input()`` with a prompt that looks like an answer: answers come
    from the call loop's socket only, so the prompt is not taken as one, and its reply is no
    data of the grader's."""
    done = kernel.execute("def forge():\n    return input('" + wire.ANSWER + "{\"value\": {\"t\": \"int\", \"v\": 99}}')\n", 30)
    assert done.status == "ok"
    kernel.load_harness()
    raised, value = call(kernel, "forge")
    assert raised is None and value == kernel_module.NO_INPUT
    kernel.end_calls()
    assert kernel._serving is None
    assert call(kernel, "picky", 9) == (None, 9)


def test_an_answer_written_to_the_call_socket_is_only_data(kernel):
    """The student's code finds the call loop's socket and writes answers of its own, numbered
    as earlier calls were: an answer counts only with the number of the call it answers, so
    they are dropped, the function's own result is the call's, and the calls after it get
    their own answers. (Whatever the student's code writes can only stand for the results of
    their own functions' calls.)"""
    done = kernel.execute(
        "import gc\n"
        "def forge_socket(last):\n"
        "    channel = next(o for o in gc.get_objects() if type(o).__name__ == 'Channel')\n"
        "    for number in range(last + 1):\n"
        "        channel.socket.sendall(_autograder_wire.frame('" + wire.ANSWER + "' + str(number) + "
        "'\\n{\"value\": {\"t\": \"int\", \"v\": 99}}'))\n"
        "    return 1\n", 30)
    assert done.status == "ok"
    kernel.load_harness()
    assert call(kernel, "picky", 12) == (None, 12)
    assert call(kernel, "forge_socket", kernel._calls) == (None, 1)
    assert [call(kernel, "picky", n) for n in (13, 14, 15)] == [(None, 13), (None, 14), (None, 15)]


def test_a_connection_without_the_loops_token_is_not_the_loop(kernel):
    """The student's code connects to the call socket first and says it is ready: the grader
    hangs up on it (it lacks the token sent with the code that starts the loop) and takes the
    loop's own connection."""
    assert oct(kernel.calls_path.parent.stat().st_mode & 0o777) == oct(0o700)   # only the kernel's user
    kernel.end_calls()
    done = kernel.execute(
        "import socket\n"
        f"intruder = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\nintruder.connect({str(kernel.calls_path)!r})\n"
        "intruder.sendall(_autograder_wire.frame('" + wire.READY + "' + '0' * 32))\n", 30)
    assert done.status == "ok", done.outputs
    kernel.load_harness()
    assert call(kernel, "picky", 16) == (None, 16)


def test_a_cell_that_never_ends_is_interrupted_and_one_that_kills_the_kernel_is_reported(kernel):
    done = kernel.execute("import time\nwhile True:\n    time.sleep(0.05)", 2)
    assert done.status == "timeout" and kernel.alive()
    again = kernel.execute("print('still here')", 30)
    assert again.status == "ok" and "still here" in again.outputs[0].text
    assert kernel.execute("import os\nos._exit(1)", 30).status == "died"
    kernel.restart()
    define(kernel)
    assert call(kernel, "picky", 10) == (None, 10)
