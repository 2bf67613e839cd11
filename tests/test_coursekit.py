"""The notebook helper package: checks fail with useful messages, figures and widgets work."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursekit import (  # noqa: E402
    LiveFigure,
    bright_pixel_image,
    check_array,
    check_float,
    check_raises,
    check_unmodified,
    image_figure,
    random_image,
    snapshot,
)


def test_check_array_accepts_any_float_dtype():
    check_array(np.ones((2, 2), np.float32), np.ones((2, 2)), what="f()")
    check_array(np.ones((2, 2)), [[1, 1], [1, 1]], what="f()")


@pytest.mark.parametrize(
    ("actual", "message"),
    [
        ([[1.0, 1.0]], "should return a NumPy array"),
        (np.ones((1, 2), dtype=np.uint8), "dtype uint8"),
        (np.ones((2, 1)), "shape (2, 1)"),
        (np.array([[1.0, 2.0]]), "1 wrong value(s) out of 2. The first is at index (0, 1)"),
    ],
)
def test_check_array_explains_what_is_wrong(actual, message):
    with pytest.raises(AssertionError, match="f\\(\\)") as error:
        check_array(actual, np.ones((1, 2)), what="f()", hint="try harder")
    assert message in str(error.value)


def test_check_array_gives_the_hint():
    with pytest.raises(AssertionError, match="Hint: look at the sign"):
        check_array(-np.ones(2), np.ones(2), what="f()", hint="look at the sign")


def test_check_float():
    check_float(np.float64(2.0), 2.0, what="g()")
    check_float(2.0000000001, 2.0, what="g()")
    for wrong in (np.array(2.0), np.array([2.0]), 2, "2.0"):
        with pytest.raises(AssertionError, match="should return a float"):
            check_float(wrong, 2.0, what="g()")
    with pytest.raises(AssertionError, match="returned 3.0, but the expected value is 2.0"):
        check_float(3.0, 2.0, what="g()")


def test_check_raises():
    def raises_value_error():
        raise ValueError("no")

    check_raises(ValueError, raises_value_error, what="h()")
    check_raises((TypeError, ValueError), raises_value_error, what="h()")
    with pytest.raises(AssertionError, match="should raise TypeError, but it raised ValueError"):
        check_raises(TypeError, raises_value_error, what="h()")
    with pytest.raises(AssertionError, match="returned int without an error"):
        check_raises(ValueError, lambda: 1, what="h()")


def test_check_unmodified():
    for image in (np.arange(6.0).reshape(2, 3), np.arange(6, dtype=np.uint8).reshape(2, 3)):
        before = snapshot(image)
        check_unmodified(before, image, what="k")
        image[0, 0] += 1
        with pytest.raises(AssertionError, match="changed its input"):
            check_unmodified(before, image, what="k")


def test_synthetic_images():
    pixel = bright_pixel_image((10, 10), (2, 2))
    assert pixel.sum() == 1 and pixel[2, 2] == 1
    assert np.array_equal(random_image((3, 4), seed=1), random_image((3, 4), seed=1))
    assert random_image((3, 4), dtype=np.uint8).dtype == np.uint8


def test_image_figure_shows_values_of_small_uint8_images_without_overflow():
    with np.errstate(over="raise"):
        fig = image_figure([np.array([[0, 255], [200, 100]], dtype=np.uint8)], ["u8"], values=True)
    assert [t.get_text() for t in fig.axes[0].texts] == ["0", "255", "200", "100"]
    with pytest.raises(ValueError, match="titles"):
        image_figure([np.ones((2, 2))], ["a", "b"])


def test_live_figure_redraws_on_change():
    calls = []

    def draw(n):
        calls.append(n)
        return image_figure([np.eye(4) * n], [f"n = {n}"])

    live = LiveFigure(draw, n=widgets.IntSlider(value=1, min=0, max=5))
    first = bytes(live.image.value)
    assert first.startswith(b"\xff\xd8\xff") and calls == [1]   # a JPEG
    live.controls["n"].value = 3
    assert calls == [1, 3] and bytes(live.image.value) != first
    assert 0 < live.last_update_seconds < 5


def test_type_rule_checks_follow_the_course_spec():
    """float results: any float instance; "Python int": exactly int; integer parameters: NumPy ints yes, bool no."""
    import numpy as np
    import pytest

    from coursekit import check_float, check_int, check_integer_argument, no_warnings

    check_float(np.float64(0.5), 0.5, what="f()")
    for wrong in (np.float32(0.5), np.array(0.5), 1, True):
        with pytest.raises(AssertionError, match="should return a float"):
            check_float(wrong, 0.5 if wrong is not True else 1.0, what="f()")
    with pytest.raises(AssertionError, match="NUMBER"):
        check_float(4, 0.8, what="f()", mistakes=[(4, "4 is the NUMBER of images")])
    check_int(3, 3, what="g()")
    for wrong in (np.int64(3), 3.0, True):
        with pytest.raises(AssertionError, match="Python int"):
            check_int(wrong, 3 if wrong is not True else 1, what="g()")
    with pytest.raises(AssertionError, match="rounded up"):
        check_int(4.0, 3, what="g()", mistakes=[(4, "you rounded up")])

    def strict(n):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError("n must be an integer")
        return int(n) + 1

    check_integer_argument(strict, (2,), 0, what="strict(2)")
    check_integer_argument(lambda n=1: strict(n), (), "n", kwargs={"n": 2}, what="strict(n=2)")
    with pytest.raises(AssertionError, match="True should raise TypeError"):
        check_integer_argument(lambda n: n + 1, (2,), 0, what="loose(2)")
    with pytest.raises(AssertionError, match="NumPy integers are integers too"):
        check_integer_argument(lambda n: strict(n) if type(n) is int else strict(None), (2,), 0, what="picky(2)")
    with pytest.raises(AssertionError, match="divide by zero"):
        no_warnings(lambda: np.ones(1) / 0, what="h()")


def test_check_returns_turns_an_error_into_a_failed_check_with_its_hint():
    import numpy as np
    import pytest

    from coursekit.checks import check_returns

    assert check_returns(np.add, 1, 2, what="add(1, 2)") == 3

    def crashes():
        raise ValueError("empty")

    with pytest.raises(AssertionError, match=r"(?s)pool\(\) should return a result, but it raised ValueError: "
                                             r"empty.*Hint: rows come from image.shape\[0\]"):
        check_returns(crashes, what="pool()", hint="rows come from image.shape[0]")


def test_in_place_of_lends_the_reference_functions_for_one_block_only():
    import numpy as np
    import pytest

    from coursekit import reference

    namespace = {"correlate2d": "the student's", "other": 1}
    with pytest.raises(RuntimeError), reference.in_place_of(namespace, "correlate2d", "relu", "max_pool2d"):
        assert namespace["correlate2d"] is reference.correlate2d and namespace["relu"] is reference.relu
        raise RuntimeError("a failing test inside the block")
    assert namespace == {"correlate2d": "the student's", "other": 1}
    image = np.arange(35.0).reshape(5, 7)
    assert np.array_equal(reference.max_pool2d(image, 2), [[8, 10, 12], [22, 24, 26]])
    assert np.array_equal(reference.relu(np.array([-1, 2])), [0.0, 2.0])
    with pytest.raises(ValueError):
        reference.max_pool2d(np.ones((1, 4)), 2)
