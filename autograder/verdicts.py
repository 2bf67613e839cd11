"""Judging a test cell in the grader, not in the student's kernel.

A test cell's source (visible and hidden tests) runs here, in the grader's own process, in
a namespace built from the source notebook's cells tagged ``grading-context`` (imports,
example data). The student's graded functions in that namespace are
:class:`StudentFunction` proxies: calling one sends the arguments to the student's kernel
as plain data, the kernel calls the student's real function, and only plain data comes back
(:mod:`autograder.wire`). So the checks (``check_array``, ``np.testing``, ``assert``), the
expected values, the hidden inputs and the reference implementations never exist in the
student's process, and nothing the student's code does there (patching NumPy, returning an
always-equal object, inspecting the caller's frame, writing files) can change a verdict.

What still comes from the kernel: the student's results, the exceptions and warnings their
code raised, and its report of which array arguments it changed and which results share
memory with an argument (so ``check_unmodified`` and ``check_new_array`` keep working). A
student who tampers with that report can hide an in-place change to an input; they cannot
fake a result.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

from autograder import wire
from autograder.kernel import CallTimeout, KernelDied, StudentKernel

#: Tag of the source-notebook cells that test cells need (imports, example data).
CONTEXT_TAG = "grading-context"


def graded_functions(notebook: nbformat.NotebookNode) -> list[str]:
    """Names of the functions defined at the top level of the notebook's solution cells."""
    names = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            names += [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    return names


def grading_context(source: Path) -> tuple[dict, list[str]]:
    """The namespace test cells run in (built by running the source notebook's
    ``grading-context`` cells here, in the grader), and the graded functions' names."""
    notebook = nbformat.read(source, as_version=4)
    namespace: dict = {"__name__": "__grading__"}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for cell in notebook.cells:
            if cell.cell_type == "code" and CONTEXT_TAG in cell.get("metadata", {}).get("tags", []):
                exec(compile(cell.source, f"<{source.name}: grading context>", "exec"), namespace)  # noqa: S102
        try:
            import matplotlib.pyplot as plt

            plt.close("all")
        except ImportError:
            pass
    return namespace, graded_functions(notebook)


_NOT_RERAISED = (SystemExit, KeyboardInterrupt, GeneratorExit)


def _student_exception(info: dict, function: str) -> Exception:
    """A grader-side exception of the most specific builtin class the student's derives from
    (``TypeError``, ``ValueError``...), its message prefixed with the student's class name."""
    message = str(info.get("message", ""))
    kind_name = str(info.get("type", "Exception"))
    for base in info.get("bases", []):
        kind = getattr(builtins, str(base), None)
        if isinstance(kind, type) and issubclass(kind, Exception) and not issubclass(kind, _NOT_RERAISED):
            try:
                error = kind(message if kind_name == base else f"{kind_name}: {message}")
            except TypeError:  # builtin exceptions that need more arguments
                continue
            return error
    return RuntimeError(f"{function}() raised {kind_name}: {message}")


@dataclass
class Session:
    """The calls of one test cell: the kernel, the time left, and the memory-sharing reports."""

    kernel: StudentKernel
    deadline: float
    call_timeout: float
    aliases: list = field(default_factory=list)   # (result array, argument array) pairs
    timeout: float = 0.0                          # the test cell's own limit, for the messages
    lent: dict = field(default_factory=dict)      # name -> reference function, inside in_place_of

    def shares_memory(self, result: object, argument: object) -> bool:
        return any(r is result and a is argument for r, a in self.aliases)


class StudentFunction:
    """Stands for the student's function ``name`` in a test cell run by the grader."""

    def __init__(self, session: Session, name: str) -> None:
        self.session = session
        self.student_function_name = name
        self.__name__ = name

    def __repr__(self) -> str:
        return f"<your function {self.student_function_name}>"

    def __call__(self, *args: object, **kwargs: object) -> object:
        name, session = self.student_function_name, self.session
        remaining = session.deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise CallTimeout(f"the test cell ran out of time ({session.timeout:g} s per test cell, "
                                  f"SandboxedExecute.timeout) before calling {name}()")
            try:
                answer = session.kernel.call(name, args, kwargs, min(remaining, session.call_timeout),
                                             _run_grader_function, dict(session.lent))
            except CallTimeout:
                raise CallTimeout(_timed_out(session, name, per_call=session.call_timeout <= remaining)) from None
            raised, value, shown, changed, aliases = _read_answer(answer, name)
        except (KernelDied, CallTimeout) as error:
            raise CallFailed(error) from None
        except Exception as error:  # noqa: BLE001 - whatever is wrong with the answer, the call failed
            raise CallFailed(wire.WireError(f"{name}() gave an answer that is not plain data ({error})")) from None
        for category, message in shown:
            warnings.warn(message, category, stacklevel=2)
        inputs = {**{str(i): a for i, a in enumerate(args)}, **kwargs}
        for key, new in changed:
            target = inputs.get(key)
            if isinstance(target, np.ndarray) and isinstance(new, np.ndarray) and target.shape == new.shape \
                    and target.dtype == new.dtype and target.flags.writeable:
                np.copyto(target, new)
            else:
                raise AssertionError(f"{name}() changed the shape or dtype of its input {key!r}. "
                                     "It must never modify its inputs: work on a copy.")
        if raised is not None:
            raise raised
        results = [value] if isinstance(value, np.ndarray) else [v for v in value if isinstance(v, np.ndarray)] \
            if type(value) in (list, tuple) else []
        for index, key in aliases:
            if 0 <= index < len(results) and key in inputs:
                session.aliases.append((results[index], inputs[key]))
        return value


def _timed_out(session: Session, name: str, *, per_call: bool) -> str:
    """Why a call of ``name`` was stopped, naming the limit that stopped it and its setting."""
    if per_call:
        return (f"{name}() did not return within {session.call_timeout:g} s, the limit per call of a graded function "
                "(SandboxedExecute.call_timeout)")
    return (f"{name}() was still running when the test cell's {session.timeout:g} s ran out "
            "(the limit per test cell, all its calls together: SandboxedExecute.timeout)")


class CallFailed(BaseException):
    """A call of a student's function that could not be completed (the kernel died or did
    not answer in time, or the answer was not plain data). It derives from BaseException so
    that no test code (``check_raises``, ``except Exception``) can mistake it for an error
    the student's function raised: it always fails the test cell."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _read_answer(answer: object, name: str) -> tuple:
    """The kernel's answer, checked: (exception to raise or None, value, warnings as
    (category, message), changed inputs as (key, array), aliases as (index, key))."""
    if type(answer) is not dict:
        raise wire.WireError("not a dict")
    shown = []
    for warning in list(answer.get("warnings", []))[:20]:
        bases = [str(b) for b in warning.get("bases", [])]
        category = next((getattr(builtins, b) for b in bases
                         if isinstance(getattr(builtins, b, None), type) and issubclass(getattr(builtins, b), Warning)),
                        UserWarning)
        shown.append((category, str(warning.get("message", ""))[:2000]))
    changed = [(str(key), wire.unpack(packed)) for key, packed in dict(answer.get("changed", {})).items()]
    aliases = [(index, key) for index, key in list(answer.get("aliases", []))
               if type(index) is int and type(key) is str]
    if "error" in answer:
        return _student_exception(dict(answer["error"]), name), None, shown, changed, aliases
    return None, wire.unpack(answer.get("value", {"t": "none"})), shown, changed, aliases


def _run_grader_function(function: object, args: list, kwargs: dict) -> object:
    """Run a grader-side callable the student's function was given (e.g. the ``f`` of
    ``equivariance_error``) on the plain data the kernel sent."""
    return function(*args, **kwargs)  # type: ignore[operator]


@dataclass
class Verdict:
    passed: bool
    stdout: str
    error: str = ""          # "TypeName: message" when failed


def judge(source: str, context: dict, functions: list[str], kernel: StudentKernel, *,
          timeout: float, call_timeout: float) -> Verdict:
    """Run one test cell's ``source`` here, with the student's functions as proxies."""
    session = Session(kernel, time.monotonic() + timeout, call_timeout, timeout=timeout)
    namespace = dict(context)
    for name in functions:
        namespace[name] = StudentFunction(session, name)
    namespace["_verdict_session"] = session
    if "check_new_array" in namespace:
        namespace["check_new_array"] = _check_new_array_here(session, namespace["check_new_array"])
    if "in_place_of" in namespace:
        namespace["in_place_of"] = _in_place_of_here(session, namespace["in_place_of"])
    output = io.StringIO()
    try:
        kernel.load_harness()
        with contextlib.redirect_stdout(output), warnings.catch_warnings():
            exec(compile(source, "<test cell>", "exec"), namespace)  # noqa: S102 - the instructor's test code
    except CallFailed as failure:
        if isinstance(failure.cause, (KernelDied, CallTimeout)):
            raise failure.cause from None
        return Verdict(False, output.getvalue(), f"{type(failure.cause).__name__}: {failure.cause}")
    except Exception as error:  # noqa: BLE001 - a failed check, or any error in the tests
        return Verdict(False, output.getvalue(), f"{type(error).__name__}: {error}")
    return Verdict(True, output.getvalue())


def _in_place_of_here(session: Session, lend):
    """``coursekit.reference.in_place_of`` for proxies: inside the block, the lent names are the
    course's functions here (the test's own calls) and, through the calls, in the student's
    kernel too, where the student's function looks them up (its calls of them come back here
    as callbacks: the course's code runs in the grader)."""

    @contextlib.contextmanager
    def in_place_of(namespace, *names):
        with lend(namespace, *names):
            saved = session.lent
            session.lent = {**saved, **{name: namespace[name] for name in names}}
            try:
                yield
            finally:
                session.lent = saved

    return in_place_of


def _check_new_array_here(session: Session, check):
    """``check_new_array`` for proxies: memory sharing as the student's kernel reported it."""

    def check_new_array(result: object, *inputs: object, what: str) -> None:
        for argument in inputs:
            if session.shares_memory(result, argument):
                raise AssertionError(f"{what} returned an array that shares memory with its input (a view, or the "
                                     "input itself).\nHint: return a new array, e.g. build it with np.array(...) or "
                                     ".astype(float) (which copies), not a slice or view of the input.")
        check(result, *inputs, what=what)

    return check_new_array
