"""The similarity report: copies found, honest students left alone, hostile files named.

A small class of 03_invariance is built from the benchmark's corpus (``bench/similarity_corpus``):
honest students whose solution cells and written answers are each their own, one copy of a
classmate disguised (names changed, comments added), one who handed in the course's solution,
and two who handed in the starter notebook with one canonical line added.
"""

from __future__ import annotations

import csv
import os
import random
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from autograder import course, notebooks, similarity, similarity_report
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from similarity_corpus import disguise, honest  # noqa: E402

ASSIGNMENT = "03_invariance"
HONEST = 12
_WORDS = ("pooling keeps the largest value of each window so a shift smaller than the window often changes "
          "nothing but a shift across a window border moves the maximum to the next cell and the output "
          "changes which is why invariance is only approximate aliasing makes it worse").split()


def _answer(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(25, 40))]
    words.insert(5, f"{rng.uniform(0, 1):.3f}")
    return " ".join(words).capitalize() + "."


def _notebook(root: Path, cells: dict[str, str], written: dict[str, str]) -> str:
    nb = nbformat.read(root / course.RELEASE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = course.nbgrader_meta(cell).get("grade_id")
        if course.nbgrader_meta(cell).get("solution"):
            if cell.cell_type == "code" and grade_id in cells:
                cell.source = cells[grade_id]
            elif cell.cell_type == "markdown" and grade_id in written:
                cell.source = written[grade_id]
    return notebooks.dumps(nb)


def _hand_in(root: Path, student: str, text: str) -> Path:
    folder = root / course.SUBMITTED / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ASSIGNMENT}.ipynb"
    path.write_text(text, encoding="utf-8")
    return path


def _solution_cells(root: Path) -> dict[str, str]:
    nb = nbformat.read(root / course.SOURCE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    return {course.nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if course.nbgrader_meta(c).get("solution")}


@pytest.fixture(scope="module")
def small_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """03_invariance handed in by honest students, a disguised copy of s00, a leaked solution,
    two starter notebooks with one canonical line each, an enormous and deeply nested hand-in
    and three unreadable ones."""
    from tests.conftest import copy_course

    root = copy_course(tmp_path_factory.mktemp("similarity") / "course")
    pools = {ex: honest.honest_class(ex, HONEST) for ex in ("max_pool2d", "brightest_pixel")}
    written_ids = [k for k, v in _solution_cells(root).items() if "answer" in k]
    originals = {}
    for number in range(HONEST):
        rng = random.Random(number)
        cells = {ex: pool[number] for ex, pool in pools.items()}
        written = {k: _answer(rng) for k in written_ids}
        originals[number] = (cells, written)
        _hand_in(root, f"s{number:02d}", _notebook(root, cells, written))
    cells, written = originals[0]
    copied = {ex: disguise.disguise(disguise.disguise(code, "rename", 1), "comments", 2) for ex, code in cells.items()}
    _hand_in(root, "copycat", _notebook(root, copied, written))
    solutions = _solution_cells(root)
    _hand_in(root, "leaker", _notebook(root, {k: v for k, v in solutions.items() if k in pools},
                                       {k: solutions[k] for k in written_ids}))
    canonical = 'def brightest_pixel(image):\n    return np.unravel_index(np.argmax(image), image.shape)\n'
    for name in ("starter1", "starter2"):
        _hand_in(root, name, _notebook(root, {"brightest_pixel": canonical}, {}))
    # hostile and broken hand-ins: named in the report, never fatal
    nesting = "def brightest_pixel(image):\n    return " + "(" * 20000 + "0" + ")" * 20000 + "\n"
    _hand_in(root, "flooder", _notebook(root, {"brightest_pixel": nesting, "max_pool2d": "x = 1\n" * 60000}, {}))
    _hand_in(root, "broken", "{ this is not json")
    fifo = root / course.SUBMITTED / "fifo" / ASSIGNMENT
    fifo.mkdir(parents=True)
    os.mkfifo(fifo / f"{ASSIGNMENT}.ipynb")
    link = root / course.SUBMITTED / "linker" / ASSIGNMENT
    link.mkdir(parents=True)
    (link / f"{ASSIGNMENT}.ipynb").symlink_to(root / course.SOURCE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (root / similarity_report.CLEARED).write_text("assignment,student_a,student_b,note\n", encoding="utf-8")
    return root


def _report(root: Path, cleared: set | None = None) -> similarity_report.Report:
    return similarity_report.analyse(root, [ASSIGNMENT], cleared, all_pairs=True)


def _pair(report: similarity_report.Report, a: str, b: str) -> similarity_report.PairResult:
    return next(p for p in report.pairs if {p.a, p.b} == {a, b})


def test_tokens_are_normalised_and_layout_free() -> None:
    one = similarity.code_tokens("def f(x):\n    # add one\n    y = x + 1  # why not\n    return y\n")
    two = similarity.code_tokens("def g(value):\n    '''Docstring.'''\n    result = value + 2\n\n    return result")
    assert [t.text for t in one] == [t.text for t in two]
    assert [t.text for t in similarity.code_tokens("np.roll(a, (1, 2),)")] == \
        ["V", ".", "roll", "(", "V", ",", "(", "N", ",", "N", ")", ")"]
    assert similarity.code_tokens("def broken(:\n  %magic\n") is not None   # unreadable code never raises
    reformatted = similarity.code_tokens("h, w = (a.shape[0], a.shape[1])\nreturn any((v > 0 for v in a))")
    assert [t.text for t in reformatted] == [t.text for t in similarity.code_tokens(
        "h, w = a.shape[0], a.shape[1]\nreturn any(v > 0 for v in a)")]


def test_written_answers_given_numbers_do_not_count() -> None:
    given = similarity.base_prints(["The distance is about 7,300 for a one-pixel shift."], "numbers")
    quoting = [similarity.fingerprint(f"{words} 7300 here", "text", given) for words in ("I measured", "We got")]
    assert all(similarity._hash("#7300") not in answer.prints for answer in quoting)
    rare = [similarity.fingerprint(f"{words} 1234.5 here", "text", set()) for words in ("I measured", "We got")]
    assert set(rare[0].prints) & set(rare[1].prints)   # a number nobody else quotes is shared evidence


def test_winnowing_is_deterministic_and_covers_every_window() -> None:
    tokens = similarity.code_tokens(honest.student("correlate2d", 3))
    grams = similarity.kgrams(tokens, 6)
    kept = similarity.winnow(grams, 4)
    assert kept == similarity.winnow(grams, 4)
    chosen = {g[0] for g in kept}
    assert all(any(g[0] in chosen for g in grams[i:i + 4]) for i in range(len(grams) - 3))


def test_copies_are_flagged_and_honest_students_are_not(small_class: Path) -> None:
    report = _report(small_class)
    flagged = {frozenset((p.a, p.b)) for p in report.pairs if p.flagged}
    assert frozenset(("s00", "copycat")) in flagged
    assert frozenset(("leaker", similarity.SOLUTIONS)) in flagged
    honest_names = {f"s{n:02d}" for n in range(HONEST)}
    assert not [pair for pair in flagged if pair <= honest_names], "an honest pair was flagged"
    assert frozenset(("starter1", "starter2")) not in flagged
    starters = _pair(report, "starter1", "starter2")
    assert starters.similarity < similarity.DEFAULT.flag_similarity
    assert ["copycat", "s00"] in report.clusters[ASSIGNMENT]
    for p in report.pairs:
        assert 0.0 <= p.similarity <= 1.0 and 0.0 <= p.score <= 1.0


def test_unreadable_submissions_are_named_not_fatal(small_class: Path) -> None:
    notes = "\n".join(_report(small_class).notes)
    assert "broken/03_invariance/03_invariance.ipynb cannot be read" in notes
    assert "fifo/03_invariance/03_invariance.ipynb is a FIFO" in notes
    assert "linker/03_invariance/03_invariance.ipynb is a symbolic link" in notes
    assert re.search(r"flooder/03_invariance/03_invariance.ipynb: max_pool2d has 3\d{5} characters; the first "
                     r"100000 are compared", notes)


def test_cleared_pairs_are_not_flagged_again(small_class: Path, tmp_path: Path) -> None:
    cleared_file = tmp_path / "cleared.csv"
    cleared_file.write_text("assignment,student_a,student_b,note\n*,copycat,s00,reviewed: worked together, allowed\n",
                            encoding="utf-8")
    report = _report(small_class, similarity_report.read_cleared(cleared_file))
    pair = _pair(report, "s00", "copycat")
    assert pair.cleared and not pair.flagged
    assert ["copycat", "s00"] not in report.clusters[ASSIGNMENT]
    bad = tmp_path / "bad.csv"
    bad.write_text("who,whom\na,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header must name"):
        similarity_report.read_cleared(bad)


class _Active(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "link", "form", "img", "base", "svg", "video", "audio"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (name in ("href", "src", "action") and value and not value.startswith("#")):
                self.found.append(f"{tag} {name}={value}")


def test_cli_writes_sanitised_reports(small_class: Path, tmp_path: Path) -> None:
    root = tmp_path / "course"
    shutil.copytree(small_class, root, symlinks=True, ignore=shutil.ignore_patterns("fifo"))   # FIFO: tested above
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    copied = (root / course.SUBMITTED / "copycat" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    nb = nbformat.read(copied, as_version=4)
    for cell in nb.cells:
        if course.nbgrader_meta(cell).get("grade_id") == "brightest_pixel":
            cell.source += f"\n# {hostile}\n"
    nbformat.write(nb, copied)
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "similarity",
                           "--assignment", ASSIGNMENT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"wrote {root / 'reports' / 'similarity.csv'}" in done.stdout
    rows = list(csv.DictReader((root / "reports" / "similarity.csv").open(encoding="utf-8")))
    assert {"assignment", "student_a", "student_b", "similarity", "score"} <= set(rows[0])
    assert any({r["student_a"], r["student_b"]} == {"s00", "copycat"} and r["flagged"] == "1" for r in rows)
    page = (root / "reports" / "similarity.html").read_text(encoding="utf-8")
    parser = _Active()
    parser.feed(page)
    assert parser.found == []
    assert "&lt;script&gt;" in page and "<mark>" in page
    assert not re.search(r"https?://", page)
    bad = subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), "similarity", "--assignment",
                          "99_nothing"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "no assignment '99_nothing'" in bad.stderr


def test_demo_class(scratch_course: Path) -> None:
    shutil.copytree(ROOT / "autograder" / "demo" / "submitted", scratch_course / course.SUBMITTED)
    done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(scratch_course), "similarity",
                           "--all-pairs"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader((scratch_course / "reports" / "similarity.csv").open(encoding="utf-8")))
    assert {r["assignment"] for r in rows} == set(course.assignments(scratch_course))
    assert len(rows) == 5 * 15   # five assignments, six (five students and the solutions): 15 pairs each
    page = (scratch_course / "reports" / "similarity.html").read_text(encoding="utf-8")
    assert "dee/01_translation/01_translation.ipynb cannot be read" in page
    again = subprocess.run([sys.executable, "-m", "autograder", "--course", str(scratch_course), "similarity",
                            "--all-pairs"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0
    assert (scratch_course / "reports" / "similarity.html").read_text(encoding="utf-8") == page   # deterministic
