"""The plain-data wire between the grader and a student's kernel (:mod:`autograder.wire`),
tested directly, without a kernel: what crosses keeps its exact type, everything else
becomes a :class:`wire.Foreign` marker that equals nothing, and malformed or oversized
messages are rejected with :class:`wire.WireError`."""

from __future__ import annotations

import base64
import io
import json
import math
import warnings

import numpy as np
import pytest

from autograder import wire


def roundtrip(value: object) -> object:
    return wire.loads(wire.dumps(value))


def npy(array: np.ndarray, allow_pickle: bool = False) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# --- exact types cross, and keep their type --------------------------------------------------

PLAIN = [None, True, False, 0, -7, 2**70, 0.0, -0.0, 1.5, 1e-300, math.inf, -math.inf, "", "héllo\n\x00",
         [], (), {}, [1, "a", None], (1, (2.5, [3])), {"a": [1, 2], "b": {"c": (None, True)}}, [[[]]]]


@pytest.mark.parametrize("value", PLAIN, ids=repr)
def test_plain_values_round_trip_with_their_exact_types(value):
    back = roundtrip(value)
    assert back == value

    def types(v: object) -> object:
        if type(v) in (list, tuple):
            return (type(v), [types(i) for i in v])
        if type(v) is dict:
            return (dict, {k: types(i) for k, i in v.items()})
        return type(v)

    assert types(back) == types(value)


def test_bool_is_not_an_int_and_a_tuple_is_not_a_list():
    assert type(roundtrip(True)) is bool and type(roundtrip(1)) is int
    assert type(roundtrip((1, 2))) is tuple and type(roundtrip([1, 2])) is list


def test_nan_and_negative_zero_survive():
    assert math.isnan(roundtrip(math.nan))
    assert math.copysign(1.0, roundtrip(-0.0)) == -1.0


ARRAYS = [
    np.arange(12, dtype=np.uint8).reshape(3, 4),
    np.linspace(-1, 1, 10, dtype=np.float32),
    np.array([[np.nan, np.inf], [-np.inf, -0.0]]),
    np.array(3.5),                                 # 0-d
    np.zeros((0, 4)),                              # empty
    np.array([True, False]),
    np.array([1 + 2j], dtype=np.complex64),
    np.arange(-5, 5, dtype=np.int64)[::2],         # not contiguous
    np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    np.array(["ab", "c"]),
    np.arange(4, dtype=">i4"),                     # big-endian
]


@pytest.mark.parametrize("array", ARRAYS, ids=lambda a: f"{a.dtype}{a.shape}")
def test_arrays_round_trip_as_plain_ndarrays(array):
    back = roundtrip(array)
    assert type(back) is np.ndarray
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=array.dtype.kind in "fc")


def test_a_received_array_is_a_new_writeable_array():
    array = np.arange(4.0)
    back = roundtrip(array)
    assert not np.shares_memory(back, array)
    back[0] = 99.0
    assert array[0] == 0.0


SCALARS = [np.float64(2.5), np.float32(-1.25), np.float16(0.5), np.int8(-3), np.int64(2**40), np.uint8(255),
           np.uint64(2**63), np.bool_(True), np.complex128(1 - 1j), np.datetime64("2024-02-29"), np.str_("x")]


@pytest.mark.parametrize("scalar", SCALARS, ids=lambda s: type(s).__name__)
def test_numpy_scalars_keep_their_type(scalar):
    back = roundtrip(scalar)
    assert type(back) is type(scalar)
    assert back == scalar


def test_numpy_scalars_are_not_turned_into_python_numbers_or_back():
    assert type(roundtrip([np.int64(1), 1, np.float64(1.0), 1.0])[0]) is np.int64
    assert [type(v) for v in roundtrip([np.int64(1), 1, np.float64(1.0), 1.0])] == [np.int64, int, np.float64, float]


# --- everything else is Foreign --------------------------------------------------------------

class AlwaysEqual(np.ndarray):
    def __eq__(self, other):
        return True

    __hash__ = None


class FloatSubclass(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class IntSubclass(int):
    pass


class FloatLike:
    def __float__(self):
        return 5.0


FOREIGN = {
    "ndarray subclass": np.zeros(3).view(AlwaysEqual),
    "masked array": np.ma.masked_array([1.0, 2.0], mask=[False, True]),
    "recarray": np.rec.array([(1, 2.0)], dtype=[("a", int), ("b", float)]),
    "float subclass": FloatSubclass(5.0),
    "int subclass": IntSubclass(3),
    "object with __float__": FloatLike(),
    "str subclass": type("S", (str,), {})("x"),
    "list subclass": type("L", (list,), {})([1]),
    "tuple subclass": type("T", (tuple,), {})((1,)),
    "dict subclass": type("D", (dict,), {})(a=1),
    "set": {1, 2},
    "bytes": b"abc",
    "dict with a non-str key": {1: "a"},
    "object array": np.array([1, None], dtype=object),
    "object scalar array": np.array(None, dtype=object),
    "function": len,
    "generator": (i for i in range(3)),
}
with warnings.catch_warnings():   # np.matrix is deprecated, and a student may still return one
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    FOREIGN["np.matrix"] = np.matrix([[1.0]])


@pytest.mark.parametrize("value", FOREIGN.values(), ids=list(FOREIGN))
def test_other_values_arrive_as_foreign_markers(value):
    back = roundtrip(value)
    assert type(back) is wire.Foreign
    assert back.type_name.endswith(type(value).__qualname__)


@pytest.mark.parametrize("value", FOREIGN.values(), ids=list(FOREIGN))
def test_foreign_values_nested_in_containers_stay_foreign(value):
    back = roundtrip({"result": [1, (value,)]})
    assert type(back["result"][1][0]) is wire.Foreign
    assert back["result"][0] == 1


def test_a_foreign_marker_equals_nothing_and_cannot_be_hashed():
    marker = roundtrip(np.zeros(3).view(AlwaysEqual))
    assert marker != marker
    assert not (marker == np.zeros(3))
    assert not (marker == 0)
    assert marker != wire.Foreign(marker.type_name)
    with pytest.raises(TypeError):
        hash(marker)
    assert "AlwaysEqual" in repr(marker)


def test_too_deep_a_value_is_cut_off_with_a_foreign_marker():
    value: object = 1
    for _ in range(100):
        value = [value]
    back = roundtrip(value)
    depth = 0
    while type(back) is list:
        back, depth = back[0], depth + 1
    assert type(back) is wire.Foreign
    assert depth <= 25


def test_callables_cross_as_callbacks_only_when_asked_for():
    callables: list = []
    packed = wire.pack([len, print], callables)
    assert callables == [len, print]
    assert packed == {"t": "list", "v": [{"t": "callback", "v": 0}, {"t": "callback", "v": 1}]}
    assert wire.unpack(packed, make_callable=lambda i: f"stub {i}") == ["stub 0", "stub 1"]
    with pytest.raises(wire.WireError):   # a callback where none is expected (e.g. in a result)
        wire.unpack(packed)
    assert type(roundtrip(len)) is wire.Foreign, "a callable sent without a callback list is Foreign"


def test_a_students_function_crosses_by_name():
    class Proxy:
        student_function_name = "translate"

        def __call__(self):
            raise AssertionError("never called")

    packed = wire.pack(Proxy(), [])
    assert packed == {"t": "student", "v": "translate"}
    assert wire.unpack(packed, resolve_student=lambda name: f"<{name}>") == "<translate>"


# --- malformed messages are rejected ---------------------------------------------------------

def test_object_dtype_is_never_sent():
    assert wire.pack(np.array([{"a": 1}], dtype=object)) == {"t": "foreign", "type": "numpy.ndarray"}


def test_an_object_dtype_array_is_rejected_on_arrival():
    message = {"t": "ndarray", "v": npy(np.array([1, None], dtype=object), allow_pickle=True)}
    with pytest.raises(wire.WireError):
        wire.unpack(message)


def test_a_pickle_is_never_unpickled(tmp_path):
    import pickle

    class Boom:
        def __reduce__(self):
            return (open, (str(tmp_path / "pwned"), "w"))

    message = {"t": "ndarray", "v": base64.b64encode(pickle.dumps(Boom())).decode("ascii")}
    with pytest.raises(wire.WireError):
        wire.unpack(message)
    assert not (tmp_path / "pwned").exists()


MALFORMED_JSON = ["", "{", "{not json", "[1, 2", "nul", '{"t": "int", "v": 1', "\x00", "NaN garbage"]


@pytest.mark.parametrize("text", MALFORMED_JSON, ids=repr)
def test_malformed_json_is_a_wire_error(text):
    with pytest.raises(wire.WireError):
        wire.loads(text)


MALFORMED = {
    "not an object": [1, 2],
    "bare string": "hello",
    "no tag": {"v": 1},
    "unknown tag": {"t": "pickle", "v": "gASV"},
    "int as a string": {"t": "int", "v": "3"},
    "bool as an int": {"t": "bool", "v": 1},
    "int as a bool": {"t": "int", "v": True},
    "str as a number": {"t": "str", "v": 3},
    "float not a string": {"t": "float", "v": 1.5},
    "float not a number": {"t": "float", "v": "one and a half"},
    "list not a list": {"t": "list", "v": {"a": 1}},
    "tuple item malformed": {"t": "tuple", "v": [{"t": "int", "v": 1}, 7]},
    "dict not a dict": {"t": "dict", "v": [1]},
    "dict value malformed": {"t": "dict", "v": {"a": {"t": "nope"}}},
    "array not a string": {"t": "ndarray", "v": [1, 2, 3]},
    "array not base64": {"t": "ndarray", "v": "!!! not base64 !!!"},
    "array empty": {"t": "ndarray", "v": ""},
    "array not npy": {"t": "ndarray", "v": base64.b64encode(b"just some bytes, not an .npy file").decode()},
    "array truncated": {"t": "ndarray", "v": npy(np.arange(100.0))[:200]},
    "NumPy scalar of two values": {"t": "npscalar", "v": {"t": "ndarray", "v": npy(np.arange(2))}},
    "NumPy scalar not an array": {"t": "npscalar", "v": {"t": "int", "v": 3}},
    "callback without a maker": {"t": "callback", "v": 0},
    "student without a resolver": {"t": "student", "v": "translate"},
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_values_are_wire_errors(data):
    with pytest.raises(wire.WireError):
        wire.unpack(data)
    with pytest.raises(wire.WireError):
        wire.loads(json.dumps(data))


def test_too_deep_a_message_is_a_wire_error():
    data: object = {"t": "int", "v": 1}
    for _ in range(50):
        data = {"t": "list", "v": [data]}
    with pytest.raises(wire.WireError):
        wire.loads(json.dumps(data))


def test_an_oversized_message_is_rejected_before_it_is_parsed():
    huge = json.dumps({"t": "str", "v": "x" * wire.MAX_CHARS})
    assert len(huge) > wire.MAX_CHARS
    with pytest.raises(wire.WireError, match="larger than"):
        wire.loads(huge)
    just_fits = json.dumps({"t": "str", "v": "x" * (wire.MAX_CHARS - 100)})
    assert wire.loads(just_fits) == "x" * (wire.MAX_CHARS - 100)


# --- the kernel's side, called directly ------------------------------------------------------

def call(namespace: dict, name: str, *args: object, **kwargs: object) -> dict:
    return json.loads(wire.call_in_kernel(namespace, name, wire.dumps([list(args), kwargs])))


def test_call_in_kernel_returns_the_result_as_plain_data():
    answer = call({"add": lambda a, b=0: a + b}, "add", np.arange(3.0), b=np.float32(1))
    assert np.array_equal(wire.unpack(answer["value"]), [1.0, 2.0, 3.0])
    assert answer["changed"] == {} and answer["aliases"] == [] and answer["warnings"] == []


def test_call_in_kernel_lends_names_for_the_call_only():
    """A name lent with the request (the course's function a test lends with in_place_of) is what
    the student's function finds in the notebook's globals during that call, and only then."""
    namespace: dict = {}
    exec("def correlate(x):\n    return x\n\ndef convolve(x):\n    return correlate(x) + 1\n", namespace)  # noqa: S102
    own = namespace["correlate"]
    asked = []

    def ask(text: str) -> str:   # the grader runs the lent function: here, 10 * x
        asked.append(wire.loads(text))
        return wire.dumps({"value": 10 * asked[-1]["args"][0]})

    request = wire.dumps([[2], {}, {"correlate": lambda x: 10 * x}], [])
    answer = json.loads(wire.call_in_kernel(namespace, "convolve", request, ask=ask))
    assert wire.unpack(answer["value"]) == 21 and asked[0]["callback"] == 0
    assert namespace["correlate"] is own
    assert wire.unpack(call(namespace, "convolve", 2)["value"]) == 3


def test_call_in_kernel_turns_an_always_equal_result_into_foreign():
    answer = call({"f": lambda image: np.zeros(3).view(AlwaysEqual)}, "f", np.ones(3))
    assert type(wire.unpack(answer["value"])) is wire.Foreign


def test_call_in_kernel_reports_exceptions_by_builtin_class():
    class StudentsError(ValueError):
        pass

    def f(x):
        raise StudentsError("bad input")

    answer = call({"f": f}, "f", 1)
    assert answer["error"]["type"] == "StudentsError"
    assert answer["error"]["bases"][0] == "ValueError" and "Exception" in answer["error"]["bases"]
    assert answer["error"]["message"] == "bad input"
    assert "value" not in answer


def test_call_in_kernel_reports_a_missing_function_as_a_name_error():
    answer = call({"translate": None}, "translate", 1)
    assert answer["error"]["type"] == "NameError"


def test_call_in_kernel_reports_warnings_changed_inputs_and_aliases():
    def f(image, other):
        warnings.warn("careful", RuntimeWarning)
        image[0] = 42
        return other[1:]

    image, other = np.zeros(3), np.ones(3)
    answer = call({"f": f}, "f", image, other=other)
    assert [w["type"] for w in answer["warnings"]] == ["RuntimeWarning"]
    assert set(answer["changed"]) == {"0"}
    assert np.array_equal(wire.unpack(answer["changed"]["0"]), [42.0, 0.0, 0.0])
    assert answer["aliases"] == [[0, "other"]]
    assert np.array_equal(image, np.zeros(3)), "the caller's array is a copy sent over the wire"


def test_exception_info_lists_only_builtin_bases():
    class Mine(KeyError):
        pass

    info = wire.exception_info(Mine("k"))
    assert info["type"] == "Mine"
    assert info["bases"][:4] == ["KeyError", "LookupError", "Exception", "BaseException"]
    assert set(info["bases"]) <= {"KeyError", "LookupError", "Exception", "BaseException", "object"}


def test_string_arrays_can_be_checked_for_changes():
    """``equal_nan`` is only for numbers: comparing string inputs must not fail the call."""
    namespace = {"upper": lambda x: np.char.upper(x)}
    answer = json.loads(wire.call_in_kernel(namespace, "upper", wire.dumps([[np.array([["a", "b"]])], {}])))
    assert "error" not in answer and answer["changed"] == {}


#: Arrays of many dtypes, shapes and memory orders, as ``.npy`` files hold them.
NPY_ARRAYS = [
    np.arange(3.0), np.zeros((2, 3), np.uint8), np.array(5), np.array(["ab", "c"]), np.array([True, False]),
    np.zeros((0, 4)), np.asfortranarray(np.ones((2, 3))), np.array([1 + 2j]), np.array(["2020-01-01"], dtype="M8[D]"),
    np.zeros((1,) * 10), np.arange(6, dtype=">i4").reshape(2, 3), np.array([b"xy"]), np.float32(1.5) * np.ones((4, 4)),
    np.zeros(3, dtype=[("a", "<f8"), ("b", "<i4")]),
]


@pytest.mark.parametrize("array", NPY_ARRAYS, ids=lambda a: f"{a.dtype.str}{a.shape}")
def test_arrays_are_written_as_numpy_writes_them(array):
    """``save_array`` (every array sent, both ways) gives the bytes of ``np.save``, also for an
    array of the same dtype and shape again (its header is made once) and for a view."""
    for value in (array, array.copy(), array[()] if array.ndim == 0 else array[:1]):
        expected = io.BytesIO()
        np.save(expected, value, allow_pickle=False)
        assert wire.save_array(value) == expected.getvalue()


@pytest.mark.parametrize("array", NPY_ARRAYS, ids=lambda a: f"{a.dtype.str}{a.shape}")
def test_arrays_are_read_as_numpy_reads_them(array):
    data = base64.b64decode(npy(array))
    fast, slow = wire.load_array(data), np.load(io.BytesIO(data), allow_pickle=False)
    assert type(fast) is np.ndarray and fast.dtype == slow.dtype and fast.shape == slow.shape
    assert fast.tobytes() == slow.tobytes() and fast.flags.writeable
    for cut in (len(data) - 1, len(data) - 8, 12):   # truncated: an error, as np.load gives
        with pytest.raises(Exception):
            wire.load_array(data[:cut])
    longer = data + b"\0" * 8   # more bytes than its header says: read as np.load reads them
    assert wire.load_array(longer).tobytes() == np.load(io.BytesIO(longer), allow_pickle=False).tobytes()


def test_plain_arrays_are_read_without_numpys_header_parser_and_odd_headers_with_it(monkeypatch):
    plain = base64.b64decode(npy(np.arange(6.0).reshape(2, 3)))
    odd = {   # headers np.save does not write, of the same length; np.load refuses both
        "shape not a tuple": plain.replace(b"(2, 3)", b"(6)   "),
        "leading zero": plain.replace(b"(2, 3), }", b"(02, 3),}"),
    }
    asked = []
    real_load = np.load
    monkeypatch.setattr(np, "load", lambda *a, **k: (asked.append(1), real_load(*a, **k))[1])
    assert wire.load_array(plain).shape == (2, 3) and not asked
    for what, data in odd.items():
        assert data != plain, what
        with pytest.raises(ValueError):
            wire.load_array(data)
        assert asked, f"{what}: must be read by np.load"
        asked.clear()
