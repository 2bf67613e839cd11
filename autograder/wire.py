"""Plain data between the grader and a student's kernel.

This module's source is sent to the student's kernel as it is (it needs only the standard
library and NumPy), so both sides share one encoding:

* Values are JSON with a type tag. Only exact types cross: ``None``, ``bool``, ``int``,
  ``float``, ``str``, ``list``, ``tuple``, ``dict`` with string keys, NumPy scalars and plain
  ``numpy.ndarray`` (``.npy`` bytes, read back with ``allow_pickle=False``). Anything else,
  an ndarray subclass included, arrives as a :class:`Foreign` marker that equals nothing.
* Callables sent to the kernel become stubs that ask the grader to run them, so the grader's
  functions never run on the student's side and the student's never run on the grader's.
* The calls of one test cell travel through one running :func:`serve` loop, over a Unix socket
  of the kernel's scratch folder that the grader listens on (:class:`Channel`): one message
  each way per call, about 0.3 ms, where a round trip through Jupyter's ``input()`` messages
  costs 2 to 3 ms of CPU and a new execution per call four times that.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import math
import re
import warnings

import numpy as np

#: Largest encoded message accepted from a kernel.
MAX_CHARS = 64 * 2**20
#: Bytes of the length that starts every message on a :class:`Channel`.
HEADER = 8
_MAX_DEPTH = 20


#: The header ``np.save`` writes for a C-ordered array of a plain dtype (format version 1.0).
_NPY_V1 = b"\x93NUMPY\x01\x00"
_DIMENSION = rb"(?:0|[1-9]\d{0,9})"
_PLAIN_HEADER = re.compile(rb"\{'descr': '([<>|][a-zA-Z]\d{0,4}(?:\[\w{1,3}\])?)', 'fortran_order': False, "
                           rb"'shape': \((|" + _DIMENSION + rb",|" + _DIMENSION + rb"(?:, " + _DIMENSION
                           + rb")+)\), \} *\n")
#: Longest header read without NumPy's parser (NumPy's own default limit).
_MAX_HEADER = 10_000


def load_array(data: bytes) -> np.ndarray:
    """``np.load(data, allow_pickle=False)``, reading the headers ``np.save`` writes for
    C-ordered arrays of a plain dtype without NumPy's header parser (about 0.1 ms a call,
    most of an array's decoding); anything else goes to ``np.load`` itself."""
    if data[:8] == _NPY_V1 and len(data) >= 10:
        end = 10 + int.from_bytes(data[8:10], "little")
        header = _PLAIN_HEADER.fullmatch(data[10:end]) if end - 10 <= _MAX_HEADER else None
        if header:
            dtype = np.dtype(header.group(1).decode("ascii"))
            shape = tuple(int(n) for n in header.group(2).split(b",") if n.strip())
            count = math.prod(shape)
            if not dtype.hasobject and dtype.fields is None and dtype.subdtype is None \
                    and len(data) - end == count * dtype.itemsize:
                return np.frombuffer(data, dtype=dtype, count=count, offset=end).reshape(shape).copy()
    return np.load(io.BytesIO(data), allow_pickle=False)


@functools.lru_cache(maxsize=256)
def _npy_header(descr: str, shape: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def save_array(array: np.ndarray) -> bytes:
    """The bytes ``np.save(file, array, allow_pickle=False)`` writes, without its per-call work
    for C-ordered arrays of a plain dtype (their header made once per dtype and shape)."""
    dtype = array.dtype
    if array.flags.c_contiguous and not dtype.hasobject and dtype.fields is None and dtype.subdtype is None:
        return _npy_header(np.lib.format.dtype_to_descr(dtype), array.shape) + array.tobytes()
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


class Foreign:
    """A value of a type that does not cross the boundary (only its type's name does)."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


class WireError(ValueError):
    """A message that is not valid plain data."""


def _type_name(value: object) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def pack(value: object, callables: list | None = None, depth: int = 0) -> object:
    """``value`` as JSON-ready plain data (see the module docstring)."""
    if depth >= _MAX_DEPTH:   # unpack accepts this depth: too deep a value arrives as Foreign
        return {"t": "foreign", "type": "deeply nested value"}
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind in (bool, int, str):
        return {"t": kind.__name__, "v": value}
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if kind is np.ndarray and value.dtype.kind != "O":
        return {"t": "ndarray", "v": base64.b64encode(save_array(value)).decode("ascii")}
    if isinstance(value, np.generic) and kind.__module__ == "numpy" and value.dtype.kind != "O":
        return {"t": "npscalar", "v": pack(np.asarray(value)[()].reshape(1), callables, depth + 1)}
    if kind in (list, tuple):
        return {"t": kind.__name__, "v": [pack(item, callables, depth + 1) for item in value]}
    if kind is dict and all(type(key) is str for key in value):
        return {"t": "dict", "v": {key: pack(item, callables, depth + 1) for key, item in value.items()}}
    if callables is not None and callable(value):
        name = getattr(value, "student_function_name", None)
        if name is not None:  # one of the student's own functions, named
            return {"t": "student", "v": str(name)}
        callables.append(value)
        return {"t": "callback", "v": len(callables) - 1}
    return {"t": "foreign", "type": _type_name(value)}


def unpack(data: object, make_callable=None, resolve_student=None, depth: int = 0) -> object:
    """The value :func:`pack` packed; raises :class:`WireError` on anything malformed."""
    if depth > _MAX_DEPTH or type(data) is not dict:
        raise WireError("malformed value")
    tag, value = data.get("t"), data.get("v")
    if tag == "none":
        return None
    if tag in ("bool", "int", "str"):
        kind = {"bool": bool, "int": int, "str": str}[tag]
        if type(value) is not kind:
            raise WireError(f"malformed {tag}")
        return value
    if tag == "float":
        try:
            if type(value) is not str:
                raise TypeError(value)
            return float(value)
        except (TypeError, ValueError):
            raise WireError("malformed float") from None
    if tag == "ndarray":
        try:
            array = load_array(base64.b64decode(value, validate=True))
        except Exception:  # noqa: BLE001 - whatever numpy or base64 object to, it is not an array
            raise WireError("malformed array") from None
        if type(array) is not np.ndarray or array.dtype.hasobject:
            raise WireError("malformed array")
        return array
    if tag == "npscalar":
        array = unpack(value, make_callable, resolve_student, depth + 1)
        if type(array) is not np.ndarray or array.shape != (1,):
            raise WireError("malformed NumPy scalar")
        return array[0]
    if tag in ("list", "tuple"):
        if type(value) is not list:
            raise WireError(f"malformed {tag}")
        items = [unpack(item, make_callable, resolve_student, depth + 1) for item in value]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        if type(value) is not dict:
            raise WireError("malformed dict")
        return {str(k): unpack(v, make_callable, resolve_student, depth + 1) for k, v in value.items()}
    if tag == "callback" and make_callable is not None and type(value) is int:
        return make_callable(value)
    if tag == "student" and resolve_student is not None and type(value) is str:
        return resolve_student(value)
    if tag == "foreign":
        return Foreign(str(data.get("type", "unknown"))[:200])
    raise WireError(f"unknown value type {tag!r}")


def dumps(value: object, callables: list | None = None) -> str:
    return json.dumps(pack(value, callables))


def loads(text: str, make_callable=None, resolve_student=None) -> object:
    """The value :func:`dumps` encoded; :class:`WireError` for anything else."""
    if type(text) is not str:
        raise WireError("not a message")
    if len(text) > MAX_CHARS:
        raise WireError(f"message of {len(text)} characters is larger than {MAX_CHARS}")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise WireError(f"not JSON: {error}") from None
    return unpack(data, make_callable, resolve_student)


def exception_info(error: BaseException) -> dict:
    """An exception as plain data: its class's name, the builtin classes it derives from
    (most specific first) and its message."""
    import builtins

    bases = [c.__name__ for c in type(error).__mro__ if getattr(builtins, c.__name__, None) is c]
    return {"type": type(error).__name__, "bases": bases, "message": str(error)[:4000]}


# --- the student's side ----------------------------------------------------------------------

def _arrays(value: object) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [value]
    if type(value) in (list, tuple):
        return [a for item in value for a in _arrays(item)]
    return []


def call_in_kernel(namespace: dict, name: str, request: str, ask=input) -> str:
    """Call the student's function ``name`` from ``namespace`` on the arguments in
    ``request``; answer with its result or exception, the warnings it issued, the
    positional/keyword array arguments it changed, and which results share memory with an
    argument. ``ask(message)`` sends a callback request to the grader and returns its reply.

    ``request`` is ``[args, kwargs]``, or ``[args, kwargs, lent]`` where ``lent`` maps names of
    the notebook's globals to grader-side functions (the course's reference functions that a
    test lends with ``in_place_of``): for this call those names stand for them, so a function
    that builds on another graded function is tested with the course's one. Runs in the
    student's kernel."""

    def make_callable(index: int):
        def grader_function(*args, **kwargs):
            reply = loads(ask(dumps({"callback": index, "args": list(args), "kwargs": kwargs})))
            if "error" in reply:
                import builtins

                error = reply["error"]
                kind = next((getattr(builtins, b) for b in error["bases"] if isinstance(getattr(builtins, b, None), type)
                             and issubclass(getattr(builtins, b), Exception)), RuntimeError)
                raise kind(error["message"])
            return reply["value"]

        return grader_function

    args, kwargs, *rest = loads(request, make_callable, lambda student: namespace[student])
    lent = rest[0] if rest and type(rest[0]) is dict else {}
    inputs = {**{str(i): a for i, a in enumerate(args)}, **{k: v for k, v in kwargs.items()}}
    before = {key: value.copy() for key, value in inputs.items() if isinstance(value, np.ndarray)}
    answer: dict = {}
    missing = object()
    saved = {key: namespace.get(key, missing) for key in lent}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            function = namespace.get(name)
            if not callable(function):
                raise NameError(f"name {name!r} is not defined: the notebook no longer defines the function {name}()")
            namespace.update(lent)
            result = function(*args, **kwargs)
            answer["value"] = pack(result)
        except BaseException as error:  # noqa: BLE001 - every outcome is reported
            answer["error"] = exception_info(error)
            result = None
        finally:
            for key, value in saved.items():
                if value is missing:
                    namespace.pop(key, None)
                else:
                    namespace[key] = value
    answer["warnings"] = [exception_info(w.message) if isinstance(w.message, Warning)
                          else {"type": "UserWarning", "bases": ["UserWarning"], "message": str(w.message)}
                          for w in caught[:20]]
    changed = {}
    for key, old in before.items():
        new = inputs[key]
        if new.shape != old.shape or new.dtype != old.dtype \
                or not np.array_equal(new, old, equal_nan=new.dtype.kind in "fc"):   # equal_nan fails on strings
            changed[key] = pack(np.array(new))
    answer["changed"] = changed
    answer["aliases"] = [[i, key] for i, out in enumerate(_arrays(result))
                         for key, arg in inputs.items() if isinstance(arg, np.ndarray) and np.shares_memory(out, arg)]
    return json.dumps(answer)


#: First character of :func:`serve`'s messages: ready for the first request, an answer.
READY, ANSWER = "R", "A"
#: First character of the grader's messages to :func:`serve`: a call, or the end of the calls.
CALL, STOP = "C", "S"


def frame(text: str) -> bytes:
    """``text`` as one message of a :class:`Channel`: its UTF-8 length, then its bytes."""
    data = text.encode("utf-8")
    return len(data).to_bytes(HEADER, "big") + data


class Channel:
    """The kernel's end of the grader's call socket (a Unix socket at ``path``)."""

    def __init__(self, path: str) -> None:
        import socket

        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.socket.connect(path)

    def ask(self, text: str) -> str:
        """Send ``text``, wait for the grader's reply and return it."""
        self.socket.sendall(frame(text))
        size = int.from_bytes(self._exactly(HEADER), "big")
        return self._exactly(size).decode("utf-8")

    def _exactly(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = self.socket.recv(min(size - len(data), 1 << 20))
            if not chunk:
                raise EOFError("the grader closed the call channel")
            data += chunk
        return bytes(data)

    def close(self) -> None:
        self.socket.close()


def serve(namespace: dict, path: str, token: str) -> None:
    """Answer the grader's calls, received on the socket at ``path``, until it says stop. The
    first message is ``R<token>`` (the grader sent the token with the code that started this
    loop); a call is ``C<number>:<name>\\n<request>`` (see :func:`call_in_kernel`) and its answer
    ``A<number>\\n<answer>``, after which the loop waits for the next call. Runs in the student's
    kernel."""
    channel = Channel(path)
    try:
        message = READY + token
        while True:
            request = channel.ask(message)
            if request[:1] != CALL:
                return
            head, _, arguments = request[1:].partition("\n")
            number, _, name = head.partition(":")
            message = f"{ANSWER}{number}\n" + call_in_kernel(namespace, name, arguments, channel.ask)
    finally:
        channel.close()
