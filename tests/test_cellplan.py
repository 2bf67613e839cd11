"""The planner that decides which display-only cells grading may skip (autograder/cellplan.py).

Each conservative rule has a case here that fails without it: the marked cell must run.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder import cellplan, execute, verdicts
from conftest import read, solution_notebooks

SETUP = "import numpy as np\nimport matplotlib.pyplot as plt\nimport random\nfrom helpers import show, load\n" \
        "coffee = load('coffee')\n"
STUDENT = "def translate(image, dy, dx):\n    return np.roll(image, (dy, dx), axis=(0, 1))\n"


def runs(display: str, *after: str, before: str = STUDENT, tests: frozenset[str] = frozenset({"translate"})) -> bool:
    """Does the marked cell ``display`` run, between the set-up and student cells ``before``
    and the executed cells ``after`` (then one test cell calling ``tests``)?"""
    cells = [cellplan.PlanCell(SETUP), cellplan.PlanCell(before), cellplan.PlanCell(display, skippable=True),
             *(cellplan.PlanCell(a) for a in after), cellplan.PlanCell("", extra_reads=tests)]
    return cellplan.plan(cells).run[2]


def test_a_cell_that_only_shows_is_skipped():
    assert not runs("moved = translate(coffee, 5, 5)\nfig, ax = plt.subplots()\nax.imshow(moved)\n"
                    "ax.set(title='moved')\nrows = []\nrows.append(moved)\nshow([coffee, moved])\n")


def test_a_later_cell_reading_a_bound_name_makes_it_run():
    assert runs("demo = coffee[:10]\nshow([demo])", "small = demo * 2")
    assert not runs("demo = coffee[:10]\nshow([demo])", "demo = 1\nsmall = demo * 2")   # bound again first


def test_a_function_reading_a_bound_name_as_a_global_makes_it_run():
    # defined before the marked cell, called later by the tests: its global is read then
    student = "def translate(image, dy, dx):\n    return np.roll(image, (dy, dx), axis=(0, 1)) * scale\n"
    assert runs("scale = 1.0\nshow([coffee])", before=student)
    # a function defined later, reading the name from a nested function
    assert runs("scale = 1.0", "def f(x):\n    def g():\n        return scale\n    return g()\n")
    # its own parameters and locals are not globals
    assert not runs("image = coffee\nscale = 2", "def f(image):\n    scale = 3\n    return image * scale\n")


def test_rebinding_a_function_the_tests_call_makes_it_run():
    assert runs("translate = lambda image, dy, dx: image")


def test_drawing_from_a_global_random_generator_makes_it_run():
    assert runs("noise = np.random.rand(3)\nshow([noise])")
    assert runs("random.shuffle([1, 2])")
    assert runs("np.random.seed(0)")
    assert not runs("noise = np.random.default_rng(4).random(3)\nshow([noise])")   # a generator of its own


def test_changing_module_state_makes_it_run():
    assert runs("plt.rcParams['figure.dpi'] = 50")
    assert runs("np.seterr(all='raise')")
    assert runs("np.set_printoptions(precision=2)")
    assert runs("plt.style.use('dark_background')")
    assert runs("np.pi = 3")


def test_reaching_names_dynamically_makes_it_run():
    for source in ("globals()['x'] = 1", "exec('x = 1')", "eval('1')", "setattr(np, 'x', 1)", "vars()",
                   "import os", "from helpers import *", "get_ipython()", "open('out.txt', 'w')"):
        assert runs(source), source


def test_dynamic_names_in_an_executed_cell_make_every_marked_cell_run():
    assert runs("x = 1", "print(globals()['x'])")
    assert runs("x = 1", "print(eval('x'))")
    assert runs("x = 1", "from helpers import *")
    assert runs("x = 1", "!ls")
    assert not runs("x = 1", "%matplotlib inline\ny = 2")   # only how figures are shown


def test_lending_the_reference_functions_reaches_only_the_names_it_lends():
    """A test cell's ``with in_place_of(globals(), "translate"):`` is not a dynamic reach; anything else
    done with globals() still is."""
    lends = 'with in_place_of(globals(), "translate"):\n    translate(coffee, 1, 1)\n'
    assert not runs("x = 1", lends)
    assert runs("translate = None", 'with in_place_of(globals(), "translate"):\n    pass\n',
                tests=frozenset())                                       # it reads (keeps) the name it lends
    assert runs("x = 1", 'with in_place_of(globals(), name):\n    pass\n')   # a name it cannot see
    assert runs("x = 1", 'space = globals()\nwith in_place_of(space, "translate"):\n    pass\n')


def test_magics_in_a_marked_cell_make_it_run():
    assert runs("%timeit translate(coffee, 1, 1)")
    assert runs("!rm data.npy")


def test_changing_an_object_it_did_not_create_makes_it_run():
    assert runs("coffee[0, 0] = 255")
    assert runs("coffee += 1")
    assert runs("coffee.fill(0)")
    assert runs("view = coffee[:5]\nview[0] = 1")      # through a view of it
    assert runs("for row in coffee:\n    row[0] = 0")  # through its rows
    assert runs("del coffee[0]")
    assert runs("np.copyto(coffee, 0)")
    assert runs("np.multiply(coffee, 2, out=coffee)")
    assert runs("def clear(image):\n    image[:] = 0\n")   # a function of its own that changes its argument
    assert not runs("mine = np.zeros(3)\nmine[0] = 1\nmine += 1")
    assert not runs("rows = [coffee]\nrows.append(coffee)\nrows[0] = None")


def test_handing_a_reachable_object_to_the_notebooks_functions_makes_it_run():
    # a wrong translate() may change its input in place; a later cell reads coffee
    assert runs("translate(coffee, 1, 1)", "brightness = coffee.mean()")
    # ... or reads a name bound from it, even before the marked cell
    assert runs("translate(coffee, 1, 1)", "print(patch)", before=STUDENT + "patch = coffee[:4]\n")
    # an unknown method of an outside object may change it too
    assert runs("coffee.update_somehow()", "print(coffee)")
    # nothing executed later reaches coffee: the change cannot matter
    assert not runs("translate(coffee, 1, 1)", "small = np.zeros(3)")


def test_a_cell_that_does_not_parse_runs():
    assert runs("def broken(:\n")


def test_course_notebooks_skip_their_display_cells():
    """With the reference solutions, grading skips most display cells of every notebook."""
    for path in solution_notebooks():
        nb = read(path)
        display = execute.display_cells(path) if path.is_file() else {}
        if not display:
            continue
        functions = frozenset(verdicts.graded_functions(nb))
        cells = []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            meta = cell.metadata.get("nbgrader", {})
            test = bool(meta.get("grade")) and not meta.get("solution")
            cells.append(cellplan.PlanCell("" if test else cell.source, skippable=meta.get("grade_id") in display,
                                           extra_reads=functions if test else frozenset()))
        plan = cellplan.plan(cells)
        skipped = sum(1 for c, r in zip(cells, plan.run) if c.skippable and not r)
        assert skipped >= len(display) // 2, f"{path.name}: only {skipped} of {len(display)} skipped: {plan.reasons}"


@pytest.mark.parametrize("path", solution_notebooks()[:4], ids=lambda p: p.stem)
def test_display_cells_are_read_only_nbgrader_cells(path):
    nb = read(path)
    marked = [c for c in nb.cells if cellplan.DISPLAY_TAG in c.metadata.get("tags", [])]
    assert marked, "no display-only cell"
    for cell in marked:
        meta = cell.metadata.get("nbgrader", {})
        assert cell.cell_type == "code" and meta.get("locked") and not meta.get("grade") and not meta.get("solution")
        assert meta.get("grade_id", "").startswith("display_") and meta.get("schema_version") == 3
    assert nbformat.validate(nb) is None


def test_code_too_deep_to_analyse_runs_every_cell():
    """A student's cell nested thousands deep: the planner gives up, and every cell runs."""
    from traitlets.config import Config

    deep = "x = 1" + "+1" * 200_000   # parsing it alone exceeds the recursion limit
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(deep),
        nbformat.v4.new_code_cell("y = 1", metadata={"nbgrader": {"grade_id": "display_a", "locked": True,
                                                                  "grade": False, "solution": False}}),
    ])
    preprocessor = execute.SandboxedExecute(config=Config())
    assert preprocessor._plan(nb, {"display_a": "y = 1"}, []) == [True, True]
    assert preprocessor._plan(nbformat.v4.new_notebook(cells=nb.cells[1:]), {"display_a": "y = 1"}, []) == [False]
