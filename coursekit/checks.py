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
    """Check that ``actual`` is a ``float`` close to ``expected``.

    The course's type rule: any instance of ``float`` counts (``numpy.float64`` is one);
    ``numpy.float32``, 0-d arrays and integers do not. A wrong value close to one of
    ``mistakes`` gets that mistake's hint instead of ``hint``; a value with the right number
    but the wrong type is told about the type.
    """
    if not isinstance(actual, float):
        close = _number(actual) is not None and np.isclose(_number(actual), expected, rtol=rel, atol=rel)
        advice = next((h for wrong, h in mistakes if _number(actual) is not None
                       and np.isclose(_number(actual), wrong, rtol=rel, atol=rel)), None)
        _fail(
            f"{what} should return a float, but it returned {_type_name(actual)} ({actual!r}).",
            advice if advice and not close else "wrap the result in float(...).",
        )
    if not np.isclose(actual, expected, rtol=rel, atol=rel):
        advice = next((h for wrong, h in mistakes if np.isclose(actual, wrong, rtol=rel, atol=rel)), hint)
        _fail(f"{what} returned {float(actual)!r}, but the expected value is {float(expected)!r}.", advice)


def check_int(actual: Any, expected: int, *, what: str, hint: str = "", mistakes: Mistakes = ()) -> None:
    """Check that ``actual`` is exactly a Python ``int`` (not a NumPy integer, not ``bool``) equal to ``expected``.

    A wrong value equal to one of ``mistakes`` gets that mistake's hint instead of ``hint``,
    before anything is said about the type.
    """
    number = _number(actual)
    if number is not None and number != expected:
        advice = next((h for wrong, h in mistakes if number == wrong), None)
        if advice is not None or type(actual) is int:
            _fail(f"{what} returned {actual!r}, but the expected value is {expected!r}.", advice or hint)
    if type(actual) is not int:
        _fail(
            f"{what} should return a Python int, but it returned {_type_name(actual)} ({actual!r}).",
            "use integer division // (not /) and return int(...)." if isinstance(actual, (float, np.floating))
            else "convert the result with int(...) before returning it.",
        )


def _number(value: Any) -> float | None:
    """``value`` as a plain number, or None when it is not a real scalar."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating, np.ndarray)):
        return None
    if isinstance(value, np.ndarray) and (value.ndim != 0 or not np.issubdtype(value.dtype, np.number)):
        return None
    return float(value)


def _type_name(value: Any) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ == "numpy" else kind.__qualname__


def check_integer_argument(
    function: Callable[..., Any],
    args: Sequence[Any],
    parameter: int | str,
    *,
    what: str,
    same: Callable[[Any, Any], bool] | None = None,
    kwargs: dict[str, Any] | None = None,
) -> None:
    """Check the course's rule for an integer parameter on one call ``function(*args, **kwargs)``.

    ``parameter`` is the position in ``args`` or the keyword in ``kwargs`` of an integer
    argument. NumPy integers must be accepted and give the same result as the Python int
    (compared with ``same``, default: equal arrays or values); ``True``/``False`` and a float
    of the same value must raise ``TypeError``.
    """
    kwargs = dict(kwargs or {})
    args = list(args)

    def with_value(value: Any) -> tuple[list[Any], dict[str, Any]]:
        new_args, new_kwargs = list(args), dict(kwargs)
        if isinstance(parameter, int):
            new_args[parameter] = value
        else:
            new_kwargs[parameter] = value
        return new_args, new_kwargs

    original = args[parameter] if isinstance(parameter, int) else kwargs[parameter]
    name = parameter if isinstance(parameter, str) else f"argument {parameter + 1}"
    expected = function(*args, **kwargs)
    for kind in (np.int64, np.int32):
        call_args, call_kwargs = with_value(kind(original))
        try:
            result = function(*call_args, **call_kwargs)
        except Exception as error:  # noqa: BLE001 - the student's error is what the message shows
            _fail(
                f"{what} with {name} = numpy.{kind.__name__}({original}) raised {type(error).__name__}: {error}",
                "NumPy integers are integers too (an index, a shape entry or an argmax gives one): "
                "accept them with isinstance(x, (int, np.integer)).",
            )
        equal = same(result, expected) if same else _same(result, expected)
        if not equal:
            _fail(f"{what} with {name} = numpy.{kind.__name__}({original}) returned {result!r}, not what "
                  f"the Python int {original} gives ({expected!r}).",
                  "treat a NumPy integer exactly like a Python int (int(x) converts it).")
    bad_values: list[Any] = [True] if original in (0, 1) else [True, False]
    bad_values.append(float(original))
    for bad in bad_values:
        call_args, call_kwargs = with_value(bad)
        shown = f"{what} with {name} = {bad!r}"
        hint = ("True and False are ints in Python (isinstance(True, int) is True): reject bools first, "
                "e.g. if isinstance(x, bool) or not isinstance(x, (int, np.integer)): raise TypeError(...)."
                if isinstance(bad, bool) else
                "whole numbers only: a float is refused even when it is whole, "
                "e.g. if isinstance(x, bool) or not isinstance(x, (int, np.integer)): raise TypeError(...).")
        check_raises(TypeError, function, *call_args, what=shown, hint=hint, **call_kwargs)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and bool(
            np.allclose(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if _number(a) is not None and _number(b) is not None:
        return bool(np.isclose(_number(a), _number(b)))
    return bool(a == b)


def no_warnings(function: Callable[..., Any], *args: Any, what: str, hint: str = "", **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, failing the check if it warns (a division by zero, an overflow)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return function(*args, **kwargs)
        except (Warning, FloatingPointError) as warning:
            _fail(f"{what} gave the warning {type(warning).__name__}: {warning}", hint)


def check_returns(function: Callable[..., Any], *args: Any, what: str, hint: str = "", **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` for a call that must work: an error it raises fails the check
    with ``hint`` (what the input was, and the usual cause), instead of a bare traceback."""
    try:
        return function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the student's error is what the message shows
        _fail(f"{what} should return a result, but it raised {type(error).__name__}: {error}", hint)


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
            "into the array you were given. np.asarray(x, dtype=float) is NOT a copy when x is float64 "
            "already: it changes only float arrays, such as photos after .astype(float).",
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
