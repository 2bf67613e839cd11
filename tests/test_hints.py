"""The visible tests catch the common mistakes, and every hint names the actual fault.

Each ``wrong_*`` implementation in ``tests/submissions/<function>/`` (and each second,
independently written version of the same mistake in ``tests/submissions_v2/<function>/``)
is replayed here, in this process, the way a student meets it: the released notebook's
``grading-context`` cells, the reference solutions of the other functions, the implementation
in place of its function's solution cell, then that function's test cells as the student's
notebook has them (without the hidden tests), in order. The first cell that fails gives the
message the student reads. If no visible cell fails, the instructor's test cells (with the
hidden tests) give the message that grading reports.

* the **visible catch rate** is the share of ``tests/submissions`` fixtures that fail a visible
  test cell; it must be at least :data:`MINIMUM_CATCH_RATE` over all of them, and at least
  :data:`MINIMUM_CATCH_RATE_PER_FUNCTION` for each graded function on its own;
* :data:`HINTS` says, for every mistake, what the message must say; a fixture without an entry
  fails the test, so a new fixture needs its hint written down.

A folder ``<function>_nb<N>`` holds implementations of a function that notebook N asks for again
(notebook 4 has its own copies of ``correlate2d``, ``relu`` and ``max_pool2d``): they are replayed
in that notebook, against its own test cells of the function.

Nothing here starts a kernel or nbgrader: the whole file runs in a few seconds.
``tests/test_grading.py`` proves the same fixtures through the real grading path.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import nbformat
import pytest

from autograder import course, demo
from conftest import ROOT, read, solution_cells

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FIRST = ROOT / "tests" / "submissions"
SECOND = ROOT / "tests" / "submissions_v2"
MINIMUM_CATCH_RATE = 0.90
MINIMUM_CATCH_RATE_PER_FUNCTION = 0.80


@functools.cache
def homes() -> dict[str, tuple[str, str]]:
    """Each graded function -> (assignment, notebook) of the first notebook that defines it."""
    found: dict[str, tuple[str, str]] = {}
    for assignment in course.assignments(ROOT):
        for path in course.source_notebooks(ROOT, assignment):
            for name in solution_cells(read(path)):
                found.setdefault(name, (assignment, path.stem))
    return found


@functools.cache
def places() -> dict[str, tuple[str, str, str]]:
    """Each fixture folder -> (function, assignment, notebook) where its implementations are replayed:
    a function's own folder in its first notebook, ``<function>_nb<N>`` in notebook N's copy."""
    found = {name: (name, *home) for name, home in homes().items()}
    for assignment in course.assignments(ROOT):
        for path in course.source_notebooks(ROOT, assignment):
            for name in solution_cells(read(path)):
                if homes()[name] != (assignment, path.stem):
                    found[f"{name}_nb{int(path.stem.split('_')[0])}"] = (name, assignment, path.stem)
    return found


@dataclass(frozen=True)
class Outcome:
    """What a student sees for one implementation: the first failing cell and its message."""

    cell: str | None          # grade_id of the first failing test cell, None if all pass
    message: str
    visible: bool             # True when a visible test cell failed


def _message(error: BaseException) -> str:
    if isinstance(error, AssertionError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _run(source: str, namespace: dict) -> BaseException | None:
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102
        except Exception as error:  # noqa: BLE001 - the student's failure is what we look at
            return error
        finally:
            plt.close("all")
    return None


@functools.cache
def _instructor_tests(assignment: str, notebook: str) -> dict[str, str]:
    nb = read(ROOT / course.SOURCE / assignment / f"{notebook}.ipynb")
    return {course.nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if course.is_autograded_test(c)}


def replay(folder: str, source: str) -> Outcome:
    """Run ``source`` as the student's function of a fixture ``folder`` in its notebook (see the module doc)."""
    function, assignment, notebook = places()[folder]
    nb: nbformat.NotebookNode = demo.filled(ROOT, assignment, notebook, {function: source})
    namespace: dict = {"__name__": "__main__"}
    tests = []
    for cell in nb.cells:
        meta = course.nbgrader_meta(cell)
        if cell.cell_type != "code":
            continue
        if "grading-context" in cell.metadata.get("tags", []) or meta.get("solution"):
            error = _run(cell.source, namespace)
            if error is not None and meta.get("grade_id") == function:
                return Outcome(function, _message(error), True)
            assert error is None or meta.get("grade_id") == function, f"{meta.get('grade_id')}: {error!r}"
        elif course.is_autograded_test(cell) and meta["grade_id"].startswith(f"test_{function}_"):
            tests.append((meta["grade_id"], cell.source))
    assert tests, f"no test cells for {function}"
    for grade_id, visible in tests:
        error = _run(visible, dict(namespace))
        if error is not None:
            return Outcome(grade_id, _message(error), True)
    hidden = _instructor_tests(assignment, notebook)
    for grade_id, _ in tests:
        error = _run(hidden[grade_id], dict(namespace))
        if error is not None:
            return Outcome(grade_id, _message(error), False)
    return Outcome(None, "", False)


def fixtures(folder: Path, prefix: str = "wrong_") -> list[Path]:
    return sorted(p for p in folder.glob(f"*/{prefix}*.py") if p.parent.name in places())


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@functools.cache
def outcome(path: Path) -> Outcome:
    return replay(path.parent.name, path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# What the message must say for each mistake: <function>/<mistake> -> a regular expression
# searched (case-insensitively) in the message the student reads. Both versions of a
# mistake (tests/submissions and tests/submissions_v2) must match the same entry.
# --------------------------------------------------------------------------------------
HINTS: dict[str, str] = {
    "avg_pool2d/accepts_bool": r"False should raise TypeError.*True and False are ints",
    "avg_pool2d/ceil_mode": r"leftover .* dropped",
    "avg_pool2d/divides_by_4": r"size \* size = 9, not by 4",
    "avg_pool2d/divides_input_in_place": r"avg_pool2d changed its input array.*not a copy when x is float64",
    "avg_pool2d/loops_swapped_shape": r"height and width are swapped",
    "avg_pool2d/max": r"MAXIMUM of each tile",
    "avg_pool2d/no_size_check": r"smaller than a 2 x 2 window.*raise ValueError",
    "avg_pool2d/rejects_numpy_int": r"NumPy integers are integers too",
    "avg_pool2d/reshape_order": r"\(rows, cols, size, size\)",
    "avg_pool2d/stride_1": r"moves by its own size \(stride 2\)",
    "avg_pool2d/uint8_sum": r"uint8 sums wrap around.*float",
    "avg_pool2d/zero_size": r"size=0\) should raise ValueError.*at least 1",
    "brightest_pixel/abs": r"largest of negative numbers",
    "brightest_pixel/column_major": r"first one row by row",
    "brightest_pixel/flat_index": r"should return a tuple of two Python ints",
    "brightest_pixel/last_tie": r"first one row by row",
    "brightest_pixel/loops_empty": r"empty image has no brightest pixel",
    "brightest_pixel/loops_swapped_shape": r"height and width swapped",
    "brightest_pixel/no_ndim_check": r"image is 2-D.*raise ValueError",
    "brightest_pixel/numpy_ints": r"not Python ints",
    "brightest_pixel/returns_list": r"should return a tuple",
    "brightest_pixel/swapped": r"row first",
    "convolve2d/flips_columns_only": r"Flip BOTH axes",
    "convolve2d/flips_float_kernel_in_place": r"convolve2d changed its input array.*not a copy when x is float64",
    "convolve2d/flips_kernel_in_place": r"convolve2d changed its input array",
    "convolve2d/flips_rows_only": r"not flipped left to right",
    "convolve2d/ignores_padding": r"pass padding on",
    "convolve2d/negates": r"negating the result is not flipping",
    "convolve2d/no_flip": r"this is correlate2d's result",
    "convolve2d/no_ndim_check": r"IndexError.*check kernel\.ndim BEFORE\s+flipping",
    "convolve2d/rot90": r"rotating by 90 degrees is not flipping",
    "convolve2d/transpose": r"transposing .* is not flipping",
    "correlate2d/accepts_1d_kernel": r"kernel must be 2-D too",
    "correlate2d/clips_to_uint8_range": r"stopped at 255",
    "correlate2d/even_check_same_only": r'padding="wrap"\) should raise ValueError.*both need odd kernel sizes',
    "correlate2d/fit_check_height_only": r"WIDER than the image",
    "correlate2d/fit_check_ignores_padding": r'only "valid" needs the kernel to fit',
    "correlate2d/flipped_kernel": r"you flipped the kernel: that is convolution",
    "correlate2d/keeps_integer_dtype": r"should be floating point",
    "correlate2d/loops_swapped_shape": r"height from the image's height H = image\.shape\[0\]",
    "correlate2d/modifies_input": r"correlate2d changed its input array",
    "correlate2d/no_even_check": r"need odd kernel sizes",
    "correlate2d/no_size_check": r"kernel taller or wider than the image",
    "correlate2d/off_by_one_shape": r"\(H - kh \+ 1, W - kw \+ 1\)",
    "correlate2d/opencv_default": r"stopped at 255.*CV_64F",
    "correlate2d/padding_any_case": r"lowercase strings.*no \.lower\(\)",
    "correlate2d/reflect_padding": r"ZEROS",
    "correlate2d/relu_inside": r"keep the negative values \(no ReLU",
    "correlate2d/seed_full_size_zero_border": r"smaller than the image \(no border\)",
    "correlate2d/square_kernel_only": r"height and width separately",
    "correlate2d/wrap_by_concatenation": r"more rows of circular padding than the image has",
    "correlate2d/wrap_is_zero": r"pads circularly",
    "cosine_similarity/absolute": r"do not take the absolute value",
    "cosine_similarity/dot_product": r"divide it by both norms",
    "cosine_similarity/epsilon": r"instead of adding an epsilon",
    "cosine_similarity/float32_result": r"returned numpy\.float32",
    "cosine_similarity/keeps_float32": r"<float32 a>.*should return a float, but it returned numpy\.float32",
    "cosine_similarity/int_zero": r"should return a float, but it returned int",
    "cosine_similarity/nan_for_zero_norm": r"return 0\.0, not nan",
    "cosine_similarity/no_clip": r"clip the result",
    "cosine_similarity/normalises_in_place": r"cosine_similarity changed its input array",
    "cosine_similarity/pearson": r"subtracted the means.*Pearson",
    "cosine_similarity/size_check_only": r"compare a\.shape with b\.shape",
    "cosine_similarity/squared_norms": r"squared norms",
    "cosine_similarity/uint8_overflow": r"uint8 products wrap around",
    "cosine_similarity/warns_for_zero_norm": r"divided by zero.*return 0\.0",
    "equivariance_error/accepts_bool": r"True and False are ints",
    "equivariance_error/accepts_float_shifts": r"should raise TypeError.*whole numbers",
    "equivariance_error/l2_norm": r"Euclidean norm",
    "equivariance_error/mean": r"MEAN absolute difference",
    "equivariance_error/no_abs": r"SIGNED difference",
    "equivariance_error/no_shape_check": r"compare the shape of f's result",
    "equivariance_error/output_not_shifted": r"shift f's output too",
    "equivariance_error/output_shifted_back": r"shifted the opposite way",
    "equivariance_error/rejects_numpy_int": r"NumPy integers are integers too",
    "equivariance_error/size_check_only": r"Compare\s+the shapes .* not the sizes",
    "equivariance_error/sum": r"SUM of the absolute differences",
    "equivariance_error/swapped_axes": r"dy and dx are swapped",
    "equivariance_error/zero_fill_shift": r"filled the vacated pixels with 0: shift circularly",
    "feature_pipeline/abs_instead_of_relu": r"abs\(\) instead of the ReLU",
    "feature_pipeline/accepts_bool": r"= True should raise TypeError.*True and False are ints",
    "feature_pipeline/accepts_negative": r"negative number of pooling rounds",
    "feature_pipeline/average_pooling": r"MEAN of the last tile",
    "feature_pipeline/ceil_mode": r"leftover column .* must be dropped",
    "feature_pipeline/converts_color": r"images are 2-D.*colour image",
    "feature_pipeline/convolution": r"kernel was flipped",
    "feature_pipeline/modifies_input": r"feature_pipeline changed its input array",
    "feature_pipeline/no_relu": r"the ReLU is missing",
    "feature_pipeline/one_round_short": r"pool exactly pool_iterations times",
    "feature_pipeline/one_round_too_many": r"pool_iterations=0 means no pooling",
    "feature_pipeline/pads_small_images": r"does not fit in 2 rows.*do not pad",
    "feature_pipeline/pools_the_image_first": r"pooled the photo and filtered afterwards",
    "feature_pipeline/rejects_numpy_int": r"NumPy integers are integers too",
    "feature_pipeline/same_padding": r'"valid" padding: a 6 x 8 image',
    "feature_pipeline/stops_when_too_small": r"do not stop pooling early",
    "image_distance/broadcasts": r"broadcasting .* not the same shape",
    "image_distance/l1": r"absolute differences \(L1\)",
    "image_distance/modifies_input": r"image_distance changed its input array",
    "image_distance/returns_array": r"should return a float",
    "image_distance/returns_float32": r"should return a float, but it returned numpy\.float32",
    "image_distance/root_mean_square": r"root MEAN square",
    "image_distance/size_check": r"compare the shapes \(not just the sizes\)",
    "image_distance/squared": r"squared distance: take the square root",
    "image_distance/uint8_overflow": r"uint8 arithmetic wraps around.*float BEFORE subtracting",
    "max_pool2d/accepts_bool": r"False should raise TypeError.*True and False are ints",
    "max_pool2d/average": r"MEAN of each tile",
    "max_pool2d/ceil_mode": r"no partial tiles",
    "max_pool2d/keeps_dtype": r"should be floating point",
    "max_pool2d/loops_swapped_shape": r"height and width are swapped",
    "max_pool2d/min_pooling": r"MINIMUM of each tile",
    "max_pool2d/modifies_input": r"max_pool2d changed its input array",
    "max_pool2d/negative_size": r"size=0\) should raise ValueError.*negative",
    "max_pool2d/no_crop": r"cannot reshape",
    "max_pool2d/no_size_check": r"smaller than a 2 x 2 window",
    "max_pool2d/only_size_2": r"use the size argument",
    "max_pool2d/rejects_numpy_int": r"NumPy integers are integers too",
    "max_pool2d/reshape_order": r"\(rows, cols, size, size\)",
    "max_pool2d/stride_1": r"moves by its own size \(stride 2\)",
    "max_pool2d/transposed": r"transposed",
    "max_pool2d/zero_start": r"running maximum at 0",
    "relu/abs": r"not abs\(\)",
    "relu/clips_to_uint8_range": r"no upper limit",
    "relu/keeps_dtype": r"should be floating point",
    "relu/leaky": r"negative values become 0",
    "relu/minimum": r"negative values become 0",
    "relu/modifies_input": r"relu changed its input array",
    "relu/returns_input_when_nonnegative": r"shares memory with its input",
    "relu/threshold": r"no tolerance",
    "repeated_max_pool/accepts_bool": r"True and False are ints",
    "repeated_max_pool/average": r"level 1 is max_pool2d\(level 0\)",
    "repeated_max_pool/first_level_shares_input": r"\[0\] returned an array that shares memory with its input",
    "repeated_max_pool/ignores_size": r"pass size on",
    "repeated_max_pool/inline_swapped_shape": r"height and width are swapped",
    "repeated_max_pool/input_not_copied": r"\[0\] returned an array that shares memory with its input \(a view, or the input itself\)",
    "repeated_max_pool/missing_input": r"the input first",
    "repeated_max_pool/negative_iterations": r"negative number of iterations",
    "repeated_max_pool/one_too_many": r"one pooled level per iteration",
    "repeated_max_pool/pools_original": r"pools level 1 .* not the original image",
    "repeated_max_pool/rejects_numpy_int": r"NumPy integers are integers too",
    "repeated_max_pool/returns_tuple": r"should return a list",
    "repeated_max_pool/stops_early": r"let that error through",
    "translate/accepts_bool": r"True and False are ints",
    "translate/accepts_float_shifts": r"should raise TypeError.*whole numbers",
    "translate/always_wrap": r"wrapped around.*fills the vacated pixels with 0",
    "translate/atleast_2d": r"1-D row is not an image",
    "translate/direction": r"moved up and left",
    "translate/ignores_mode": r'mode="wrap" was ignored',
    "translate/keeps_dtype": r"should be floating point",
    "translate/large_shifts": r"np\.roll.*larger than the image",
    "translate/modifies_input": r"translate changed its input array",
    "translate/off_by_one": r"off-by-one",
    "translate/rejects_numpy_int": r"NumPy integers are integers too",
    "translate/swapped_axes": r"dy and dx are swapped",
    "translate/view_for_zero_shift": r"shares memory with its input",
    # notebook 4's own copies of correlate2d, relu and max_pool2d (tests/submissions/<function>_nb4)
    "correlate2d_nb4/converts_color": r"images are 2-D.*do not turn a colour image into grey",
    "correlate2d_nb4/flipped_kernel": r"you flipped the kernel: that is convolution",
    "correlate2d_nb4/modifies_float64_input": r"correlate2d changed its input array",
    "correlate2d_nb4/no_size_check": r"kernel taller or wider than the image",
    "correlate2d_nb4/swapped_height_width": r"height and width are swapped",
    "correlate2d_nb4/wrap_is_zero": r"pads circularly",
    "max_pool2d_nb4/ceil_mode": r"no partial tiles",
    "max_pool2d_nb4/no_size_check": r"narrower or lower than the 2 x 2 window.*raise ValueError",
    "max_pool2d_nb4/rejects_numpy_size": r"numpy\.int64\(2\) raised TypeError.*NumPy integers are integers too",
    "max_pool2d_nb4/swapped_height_width": r"height and width swapped",
    "max_pool2d_nb4/zero_start": r"running maximum at 0",
    "relu_nb4/abs": r"not abs\(\)",
    "relu_nb4/clips_to_uint8_range": r"no upper limit",
    "relu_nb4/keeps_dtype": r"should be floating point",
    "relu_nb4/leaky": r"leaky ReLU",
    "relu_nb4/modifies_float64_input": r"relu changed its input array",
    # notebook 5
    "consistency/accepts_bool": r"= True should raise TypeError",
    "consistency/accepts_float_shifts": r"shifts are whole numbers",
    "consistency/count_not_fraction": r"NUMBER of images.*FRACTION",
    "consistency/counts_changes": r"label CHANGES.*stays the SAME",
    "consistency/empty_list_only": r"empty 3-D array has no images",
    "consistency/no_ndim_check": r"every image must be 2-D",
    "consistency/opposite_direction": r"not by \(-dy, -dx\)",
    "consistency/rejects_numpy_shift": r"NumPy integers are integers too",
    "consistency/roll_flattened": r"FLATTENED image.*axis=\(0, 1\)",
    "consistency/rolls_the_stack": r"moved along the stack.*image index",
    "consistency/shifts_stack_in_place": r"consistency changed its input array",
    "consistency/zero_fill": r"zeros instead of wrapping around",
    "consistency/modifies_input": r"changed its input",
    "consistency/no_empty_check": r"no images.*raise ValueError",
    "consistency/swapped_axes": r"dy and dx are swapped",
    "conv_output_size/accepts_bool": r"True is an int",
    "conv_output_size/accepts_negative_padding": r"negative padding is not padding",
    "conv_output_size/ceil": r"rounded up \(ceil\)",
    "conv_output_size/fit_ignores_padding": r"not kernel > size",
    "conv_output_size/no_fit_check": r"does not fit",
    "conv_output_size/no_plus_one": r"forgot the \+ 1",
    "conv_output_size/no_type_check": r"whole numbers",
    "conv_output_size/numpy_arguments_numpy_result": r"NumPy integers 32, 3, 1, 2.*Python int.*int\(\.\.\.\)",
    "conv_output_size/numpy_int": r"Python int",
    "conv_output_size/padding_once": r"BOTH sides",
    "conv_output_size/rejects_numpy_int": r"NumPy integers are integers too",
    "conv_output_size/true_division": r"integer division",
    "strided_correlate2d/accepts_bool": r"= True should raise TypeError.*True and False are ints",
    "strided_correlate2d/accepts_negative_stride": r"stride below 1",
    "strided_correlate2d/ceil_shape": r"round the output size down",
    "strided_correlate2d/fit_check_height_only": r"height AND its width",
    "strided_correlate2d/flipped_kernel": r"image\[2i, 2j\] - image\[2i \+ 1, 2j \+ 1\]",
    "strided_correlate2d/keeps_integer_dtype": r"floating point",
    "strided_correlate2d/modifies_input": r"float64 image.*changed its input",
    "strided_correlate2d/no_ndim_check": r"images are 2-D",
    "strided_correlate2d/no_stride_check": r"1\.5\) should raise TypeError",
    "strided_correlate2d/offset": r"Start at row and column 0",
    "strided_correlate2d/rejects_numpy_stride": r"NumPy integers are integers too",
    "strided_correlate2d/stride_rows_only": r"BOTH axes",
    "strided_correlate2d/subsamples_image_first": r"subsampled the image before correlating",
    "strided_correlate2d/swapped_height_width": r"height and width are swapped",
}
#: Mistakes whose message does not name the fault yet (the student reads a generic or misleading
#: hint, or only the hidden tests catch them): known gaps, kept visible as expected failures
#: until their hints are written. None at present.
HINTS_TO_WRITE: frozenset[str] = frozenset()


def test_visible_catch_rate():
    """The share of wrong implementations that a visible test cell catches before hand-in."""
    wrong = fixtures(FIRST)
    missed = [name(p) for p in wrong if not outcome(p).visible]
    rate = 1 - len(missed) / len(wrong)
    print(f"visible catch rate: {len(wrong) - len(missed)} of {len(wrong)} = {rate:.1%}; missed: {missed}")
    assert rate >= MINIMUM_CATCH_RATE, f"visible catch rate {rate:.1%}; missed by the visible tests: {missed}"


@pytest.mark.parametrize("function", sorted({p.parent.name for p in fixtures(FIRST)}))
def test_visible_catch_rate_per_function(function):
    """No function's mistakes hide behind the others': each one's visible tests catch most of its own."""
    wrong = [p for p in fixtures(FIRST) if p.parent.name == function]
    missed = [name(p) for p in wrong if not outcome(p).visible]
    rate = 1 - len(missed) / len(wrong)
    print(f"{function}: visible catch rate {len(wrong) - len(missed)} of {len(wrong)} = {rate:.1%}; missed: {missed}")
    assert rate >= MINIMUM_CATCH_RATE_PER_FUNCTION, (
        f"{function}: visible catch rate {rate:.1%}; missed by the visible tests: {missed}")


def _hint_case(path: Path):
    key = f"{path.parent.name}/{path.stem.removeprefix('wrong_')}"
    known = key in HINTS_TO_WRITE and path.parent.parent == FIRST
    return pytest.param(path, id=name(path), marks=pytest.mark.xfail(strict=True, reason="hint not written yet")
                        if known else ())


@pytest.mark.parametrize("path", [_hint_case(p) for p in fixtures(FIRST) + fixtures(SECOND)])
def test_hint_names_the_mistake(path):
    result = outcome(path)
    assert result.cell is not None, f"{name(path)} passes every test"
    key = f"{path.parent.name}/{path.stem.removeprefix('wrong_')}"
    assert key in HINTS, f"no expected hint written for {key}; the message is:\n{result.message}"
    assert re.search(HINTS[key], result.message, re.IGNORECASE | re.DOTALL), (
        f"{name(path)}: the student reads (cell {result.cell}):\n{result.message}\n"
        f"but the hint for this mistake should match {HINTS[key]!r}")


#: Correct alternatives that read a display cell's variables: this replay runs no display cell,
#: so they are proven by the real grader only (tests/test_grading.py grades them every time).
NEEDS_DISPLAY_CELLS = "ok_reuses_demo_variable"


@pytest.mark.parametrize("path", [p for p in fixtures(FIRST, "ok_") + fixtures(SECOND, "ok_")
                                  if not p.stem.startswith(NEEDS_DISPLAY_CELLS)], ids=name)
def test_correct_alternatives_pass_every_test(path):
    result = outcome(path)
    assert result.cell is None, f"{name(path)} fails {result.cell}:\n{result.message}"


def test_every_second_version_has_a_first():
    for path in fixtures(SECOND):
        assert (FIRST / path.parent.name / path.name).exists(), f"{name(path)} has no first version"


def test_a_failed_check_shows_its_message_without_a_traceback_in_a_kernel():
    """In a real kernel a failed check shows the line of the cell and the message, nothing of coursekit."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive("import numpy as np\nfrom coursekit import check_array", timeout=60)
        outputs = []
        client.execute_interactive(
            "x = np.zeros(2)\ncheck_array(x, np.ones(2), what='f(x)', hint='look at the sign')",
            output_hook=outputs.append, timeout=60)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    (error,) = [m["content"] for m in outputs if m["msg_type"] == "error"]
    shown = "\n".join(error["traceback"])
    assert re.sub(r"\x1b\[[0-9;]*m", "", error["traceback"][0]) == "Test failed (line 2 of this cell):"
    assert "f(x) has 2 wrong value(s)" in shown and "Hint: look at the sign" in shown
    assert "coursekit" not in shown and "checks.py" not in shown and "Traceback" not in shown


def test_validate_shows_the_hint_and_says_when_only_written_answers_remain(tmp_path):
    """nbgrader's Validator (what the Validate button runs): a failing test shows the plain message
    first; unanswered written answers say that they are all that is left."""
    from nbgrader.validator import Validator

    from autograder import notebooks

    wrong = (FIRST / "translate" / "wrong_always_wrap.py").read_text(encoding="utf-8")
    path = tmp_path / "01_translation.ipynb"
    path.write_text(notebooks.dumps(demo.filled(ROOT, "01_translation", "01_translation", {"translate": wrong})))
    validator = Validator()
    validator.config.Execute.timeout = 300
    failed = validator.validate(str(path))["failed"]
    tests = [f for f in failed if "You did not provide a response." not in f["error"]]
    written = [f for f in failed if "You did not provide a response." in f["error"]]
    assert tests and written, failed
    shown = re.sub(r"<[^>]+>", "", tests[0]["error"])     # the dialog renders the colour as HTML
    assert shown.strip().splitlines()[0].startswith("Test failed (line")
    assert "fills the vacated pixels with 0" in shown
    assert "coursekit" not in tests[0]["error"]
    assert all("every autograded test passes" in f["source"] for f in written)


def test_checks_choose_the_hint_by_what_the_function_returned():
    import numpy as np

    from coursekit.checks import call, check_array, check_float

    mistakes = [(np.zeros(2), "all zeros: the ReLU came too early")]
    with pytest.raises(AssertionError, match="the ReLU came too early"):
        check_array(np.zeros(2), np.ones(2), what="f()", hint="general", mistakes=mistakes)
    with pytest.raises(AssertionError, match="general"):
        check_array(np.full(2, 3.0), np.ones(2), what="f()", hint="general", mistakes=mistakes)
    with pytest.raises(AssertionError, match="the shape hint"):
        check_array(np.ones(3), np.ones(2), what="f()", hint="general", shape_hint="the shape hint")
    with pytest.raises(AssertionError, match="swapped"):
        check_float(0.0, 5.0, what="g()", hint="general", mistakes=[(0.0, "swapped")])

    def flips_in_place(kernel):
        kernel[...] = kernel[::-1].copy()
        return kernel.sum()

    with pytest.raises(AssertionError, match="flips_in_place changed its input array"):
        call(flips_in_place, np.array([1.0, 2.0]))
