"""Plain-language checks for the visible tests.

Each check raises ``AssertionError`` with a message written for the student: what was
expected, what came back, and a hint about the usual cause. A check that passes returns
nothing, so a test cell that runs to the end without an error has passed.

Hints are chosen by what the function *did*: a check may list known mistakes as
``(what that mistake returns for this input, hint)`` pairs, and a wrong result that equals
one of them gets that mistake's hint instead of the general one. Any implementation that
makes the same mistake gets the same hint, however it is written.

In Jupyter a failed check shows its message only, with the line of the test cell that
failed, not a traceback through this module (IPython's ``_render_traceback_`` protocol).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, NoReturn

import numpy as np

#: Known mistakes of a check: (what the mistake returns for the check's input, its hint).
Mistakes = Sequence[tuple[Any, str]]

_HERE = os.path.dirname(os.path.abspath(__file__))


def _cell_line(traceback: TracebackType | None) -> int | None:
    """The line of the last frame outside this package: the test cell's line that failed."""
    line = None
    while traceback is not None:
        if not os.path.abspath(traceback.tb_frame.f_code.co_filename).startswith(_HERE + os.sep):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _plain_traceback(error: BaseException) -> list[str]:
    """What IPython shows for a failed check: a heading with the cell's line, then the message."""
    line = _cell_line(error.__traceback__)
    where = f" (line {line} of this cell)" if line is not None else ""
    return [f"\x1b[1;31mTest failed{where}:\x1b[0m", *str(error).splitlines()]


def fail(message: str, hint: str = "") -> NoReturn:
    """Raise the ``AssertionError`` of a failed check: ``message``, then ``Hint: hint``.

    Jupyter shows it without a traceback into the course's helper code.
    """
    error = AssertionError(f"{message}\nHint: {hint}" if hint else message)
    error._render_traceback_ = lambda: _plain_traceback(error)  # type: ignore[attr-defined]
    raise error


_fail = fail


def _matches(actual: np.ndarray, wrong: Any, rtol: float, atol: float) -> bool:
    wrong = np.asarray(wrong)
    return actual.shape == wrong.shape and bool(np.allclose(actual, wrong, rtol=rtol, atol=atol))


def check_array(
    actual: Any,
    expected: np.ndarray,
    *,
    what: str,
    hint: str = "",
    shape_hint: str = "",
    mistakes: Mistakes = (),
    rtol: float = 1e-6,
    atol: float = 1e-6,
) -> None:
    """Check that ``actual`` is a floating point NumPy array equal to ``expected``.

    ``what`` names the result in the message, e.g. ``"translate(image, 1, 0)"``. Any
    floating dtype is accepted (float32 as well as float64); values are compared with
    the tolerances ``rtol``/``atol``. A wrong result equal to one of ``mistakes`` gets
    that mistake's hint; otherwise a wrong shape gets ``shape_hint`` (or ``hint``) and
    wrong values get ``hint``.
    """
    if not isinstance(actual, np.ndarray):
        _fail(f"{what} should return a NumPy array, but it returned {type(actual).__name__}.", hint)
    if not np.issubdtype(actual.dtype, np.floating):
        _fail(
            f"{what} returned an array of dtype {actual.dtype}; it should be floating point "
            "(for example float64).",
            "convert with .astype(float) before computing, so that uint8 images cannot "
            "overflow and results can be fractional.",
        )
    expected = np.asarray(expected)
    if _matches(actual, expected, rtol, atol):
        return
    advice = next((h for wrong, h in mistakes if _matches(actual, wrong, rtol, atol)), None)
    if actual.shape != expected.shape:
        _fail(f"{what} returned shape {actual.shape}, but the expected shape is {expected.shape}.",
              advice or shape_hint or hint)
    close = np.isclose(actual, expected, rtol=rtol, atol=atol)
    bad = np.argwhere(~close)
    first = tuple(int(i) for i in bad[0])
    _fail(
        f"{what} has {len(bad)} wrong value(s) out of {expected.size}. The first is at "
        f"index {first}: got {float(actual[first])!r}, expected {float(expected[first])!r}.",
        advice or hint,
    )


def check_float(
    actual: Any, expected: float, *, what: str, hint: str = "", mistakes: Mistakes = (), rel: float = 1e-6
) -> None:
    """Check that ``actual`` is a float (Python or NumPy) close to ``expected``.

    A wrong value close to one of ``mistakes`` gets that mistake's hint instead of ``hint``.
    """
    if isinstance(actual, np.ndarray) or not isinstance(actual, (float, np.floating)):
        _fail(
            f"{what} should return a float, but it returned {type(actual).__name__} ({actual!r}).",
            "wrap the result in float(...).",
        )
    if not np.isclose(actual, expected, rtol=rel, atol=rel):
        advice = next((h for wrong, h in mistakes if np.isclose(actual, wrong, rtol=rel, atol=rel)), hint)
        _fail(f"{what} returned {float(actual)!r}, but the expected value is {float(expected)!r}.", advice)


def check_raises(
    errors: type[BaseException] | tuple[type[BaseException], ...],
    function: Callable[..., Any],
    *args: Any,
    what: str,
    hint: str = "",
    **kwargs: Any,
) -> None:
    """Check that ``function(*args, **kwargs)`` raises one of ``errors``."""
    names = " or ".join(e.__name__ for e in (errors if isinstance(errors, tuple) else (errors,)))
    try:
        result = function(*args, **kwargs)
    except errors:
        return
    except Exception as error:  # noqa: BLE001 - any other error is the student's bug to see
        _fail(f"{what} should raise {names}, but it raised {type(error).__name__}: {error}", hint)
    _fail(f"{what} should raise {names}, but it returned {type(result).__name__} without an error.", hint)


def snapshot(array: np.ndarray) -> np.ndarray:
    """An independent copy of ``array``, to check later that a function left it unchanged."""
    return np.array(array, copy=True)


def check_new_array(result: Any, *inputs: Any, what: str) -> None:
    """Check that ``result`` is a new array: it shares no memory with any of ``inputs``."""
    for value in inputs:
        if isinstance(result, np.ndarray) and isinstance(value, np.ndarray) and np.shares_memory(result, value):
            _fail(
                f"{what} returned an array that shares memory with its input (a view, or the input itself).",
                "return a new array, e.g. build it with np.array(...) or .astype(float) (which copies), not "
                "a slice or view of the input.",
            )


def check_unmodified(before: np.ndarray, after: np.ndarray, *, what: str) -> None:
    """Check that an input array still equals the copy taken before the call."""
    if before.dtype != after.dtype or before.shape != after.shape or not np.array_equal(
        before, after, equal_nan=True
    ):
        _fail(
            f"{what} changed its input array. A function must leave its inputs as they were.",
            "work on a copy (for example image.astype(float) makes one) instead of writing "
            "into the array you were given.",
        )


def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, then a check that it left its array arguments unchanged.

    Use it for the calls whose result a test compares: a function that changes its input
    is told so first, before any expected value is computed from the (changed) input.
    """
    arrays = [a for a in (*args, *kwargs.values()) if isinstance(a, np.ndarray)]
    before = [snapshot(a) for a in arrays]
    result = function(*args, **kwargs)
    name = getattr(function, "__name__", "the function")
    for copy, array in zip(before, arrays):
        check_unmodified(copy, array, what=name)
    return result
