"""Plain-language checks for the visible tests.

Each check raises ``AssertionError`` with a message written for the student: what was
expected, what came back, and a hint about the usual cause. A check that passes returns
nothing, so a test cell that runs to the end without an error has passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _fail(message: str, hint: str) -> None:
    raise AssertionError(f"{message}\nHint: {hint}" if hint else message)


def check_array(
    actual: Any,
    expected: np.ndarray,
    *,
    what: str,
    hint: str = "",
    rtol: float = 1e-6,
    atol: float = 1e-6,
) -> None:
    """Check that ``actual`` is a floating point NumPy array equal to ``expected``.

    ``what`` names the result in the message, e.g. ``"translate(image, 1, 0)"``. Any
    floating dtype is accepted (float32 as well as float64); values are compared with
    the tolerances ``rtol``/``atol``.
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
    if actual.shape != expected.shape:
        _fail(f"{what} returned shape {actual.shape}, but the expected shape is {expected.shape}.", hint)
    close = np.isclose(actual, expected, rtol=rtol, atol=atol)
    if not close.all():
        bad = np.argwhere(~close)
        first = tuple(int(i) for i in bad[0])
        _fail(
            f"{what} has {len(bad)} wrong value(s) out of {expected.size}. The first is at "
            f"index {first}: got {actual[first]!r}, expected {expected[first]!r}.",
            hint,
        )


def check_float(actual: Any, expected: float, *, what: str, hint: str = "", rel: float = 1e-6) -> None:
    """Check that ``actual`` is a float (Python or NumPy) close to ``expected``."""
    if isinstance(actual, np.ndarray) or not isinstance(actual, (float, np.floating)):
        _fail(
            f"{what} should return a float, but it returned {type(actual).__name__} ({actual!r}).",
            "wrap the result in float(...).",
        )
    if not np.isclose(actual, expected, rtol=rel, atol=rel):
        _fail(f"{what} returned {actual!r}, but the expected value is {expected!r}.", hint)


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
