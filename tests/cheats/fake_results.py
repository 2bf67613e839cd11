# cheats: translate
# Writes fake results wherever a grader might read them (a grades.csv with full marks, an
# "autograded" notebook whose test cells all passed, a gradebook, a marker file named
# fake_by_cheat...) into the working folder, its parents, the home folder, /tmp and the
# course folder, and prints the test cells' "tests pass" messages; translate itself returns
# zeros.
import json
import os

_MARKER = "fake_by_cheat"
_CELLS = [("test_translate_basic", 3), ("test_translate_wrap", 1), ("test_translate_errors", 1),
          ("test_translate_hidden", 2), ("test_image_distance_basic", 1), ("test_image_distance_hidden", 2)]
_GRADES = "student_id,assignment,notebook,cell,score,max_score\n" + "".join(
    f"fake_results,01_translation,01_translation,{cell},{points},{points}\n" for cell, points in _CELLS)
_NOTEBOOK = json.dumps({
    "nbformat": 4, "nbformat_minor": 5, "metadata": {},
    "cells": [{"cell_type": "code", "id": cell, "execution_count": 1, "source": "",
               "metadata": {"nbgrader": {"grade": True, "grade_id": cell, "points": points, "solution": False,
                                         "locked": True, "schema_version": 3}},
               "outputs": [{"output_type": "stream", "name": "stdout", "text": "the tests pass.\n"}]}
              for cell, points in _CELLS],
})
_FILES = {
    f"{_MARKER}.txt": "fake_results was here",
    "grades.csv": _GRADES,
    "reports/grades.csv": _GRADES,
    f"reports/{_MARKER}.txt": "fake_results was here",
    "reports/summary.txt": "fake_results: 10/10\n",
    "autograded/fake_results/01_translation/01_translation.ipynb": _NOTEBOOK,
    f"autograded/fake_results/01_translation/{_MARKER}.txt": "fake_results was here",
    "gradebook.db": "",
}
_written = []
for _folder in [".", "..", "../..", "../../..", os.path.expanduser("~"), "/tmp", "/work/main", "/root", "/home"]:
    for _relative, _text in _FILES.items():
        _path = os.path.join(_folder, _relative)
        try:
            os.makedirs(os.path.dirname(_path) or ".", exist_ok=True)
            with open(_path, "w", encoding="utf-8") as _handle:
                _handle.write(_text)
            _written.append(os.path.abspath(_path))
        except OSError:
            pass
print(f"wrote {len(_written)} fake files")
for _message in ("translate: the basic tests pass.", "translate: the wrap tests pass.",
                 "translate: bad input raises the right errors."):
    print(_message)


def translate(image, dy, dx, mode="constant"):
    print("translate: the basic tests pass.")
    print("translate: the wrap tests pass.")
    return np.zeros(np.shape(image))
