"""The class's similarity report: ``reports/similarity.csv`` and ``reports/similarity.html``.

Reads every submission of ``submitted/`` through :mod:`autograder.safefiles` (never a link, a
FIFO or a hard link; a notebook that cannot be read is named in the report and left out), the
released notebooks (given out: subtracted) and the course's ``solutions/`` (compared like one
more student, :data:`autograder.similarity.SOLUTIONS`). Figures per pair and exercise come
from :mod:`autograder.similarity`; here they are combined per assignment, flagged, grouped in
clusters, cleared pairs left unflagged, and written out. The HTML page holds no script, style
from elsewhere or link out: every student's text is escaped, and the page's body is cleaned
again with :func:`autograder.sanitize.clean_html`.
"""

from __future__ import annotations

import csv
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

from autograder import course, safefiles, similarity, submissions
from autograder.sanitize import clean_html
from autograder.similarity import ADDED, SOLUTIONS, Answer, Settings

#: The instructor's list of reviewed pairs (course root): ``assignment,student_a,student_b``,
#: ``*`` for every assignment; more columns (a note) are ignored.
CLEARED = "similarity_cleared.csv"
#: Characters of one answer compared (a solution cell is a few thousand; more is cut, with a note).
MAX_ANSWER = 100_000


@dataclass
class Exercise:
    key: str
    kind: str                # "code" or "text"
    base: set[int]
    given_lines: set[str]    # stripped lines of the released notebook, marked in the page


@dataclass
class PairResult:
    assignment: str
    a: str
    b: str
    similarity: float
    score: float
    flagged: bool
    cleared: bool
    exercises: list[tuple[str, float, float]]   # (exercise, similarity, score) worth showing


@dataclass
class Report:
    pairs: list[PairResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    clusters: dict[str, list[list[str]]] = field(default_factory=dict)
    answers: dict[tuple[str, str, str], Answer] = field(default_factory=dict)   # (assignment, student, exercise)
    exercises: dict[tuple[str, str], Exercise] = field(default_factory=dict)


def _is_solution(cell: nbformat.NotebookNode) -> bool:
    return bool(course.nbgrader_meta(cell).get("solution"))


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def _exercises(root: Path, assignment: str, settings: Settings) -> tuple[dict[str, Exercise], dict[str, set[str]]]:
    """The exercises of an assignment from its released notebooks, and each notebook's
    released code cells (normalised sources: a student's cell equal to one is not "added")."""
    exercises: dict[str, Exercise] = {}
    released_code: dict[str, set[str]] = {}
    numbers = similarity.base_prints([c.source for p in course.source_notebooks(root, assignment)
                                      for c in nbformat.read(p, as_version=4).cells], "numbers", settings)
    sources = course.source_notebooks(root, assignment)
    for path in sources:
        release = root / course.RELEASE / assignment / path.name
        nb = nbformat.read(release if release.is_file() else path, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        text = [c.source for c in nb.cells if c.cell_type == "markdown"]
        released_code[path.stem] = {_normal(s) for s in code}
        code_base = similarity.base_prints(code, "code", settings)
        text_base = similarity.base_prints(text, "text", settings) | numbers
        lines = {line.strip() for s in code + text for line in s.splitlines() if line.strip()}
        prefix = f"{path.stem}/" if len(sources) > 1 else ""
        for cell in nb.cells:
            if _is_solution(cell):
                kind = "code" if cell.cell_type == "code" else "text"
                key = prefix + str(course.nbgrader_meta(cell)["grade_id"])
                exercises[key] = Exercise(key, kind, code_base if kind == "code" else text_base, lines)
        exercises[prefix + ADDED] = Exercise(prefix + ADDED, "code", code_base, lines)
    return exercises, released_code


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _cells(nb: nbformat.NotebookNode, prefix: str, released: set[str]) -> dict[str, tuple[str, str]]:
    """Exercise -> (kind, source) of one notebook."""
    found: dict[str, tuple[str, str]] = {}
    added = []
    submissions.clean(nb)
    for cell in nb.cells:
        if _is_solution(cell):
            kind = "code" if cell.cell_type == "code" else "text"
            found[prefix + str(course.nbgrader_meta(cell)["grade_id"])] = (kind, _strip_markers(str(cell.source)))
        elif cell.cell_type == "code" and not course.is_autograded_test(cell) and _normal(str(cell.source)) not in released:
            added.append(str(cell.source))
    if added:
        found[prefix + ADDED] = ("code", "\n\n".join(added))
    return found


def _parse(data: bytes) -> nbformat.NotebookNode:
    """A notebook from its bytes: version 4 without its outputs (not compared, and often most of
    the file), not validated (what is compared is checked as it is read); older versions through
    nbformat's upgrade."""
    content = json.loads(data.decode("utf-8"))
    if not isinstance(content, dict) or content.get("nbformat") != 4 or not isinstance(content.get("cells"), list):
        return nbformat.reads(data.decode("utf-8"), as_version=4)
    for cell in content["cells"]:
        if not isinstance(cell, dict):
            raise ValueError("a cell is not a JSON object")
        cell.pop("outputs", None)
        cell.pop("attachments", None)
        source = cell.get("source", "")
        cell["source"] = "".join(source) if isinstance(source, list) else source
        if not isinstance(cell["source"], str) or not isinstance(cell.get("metadata", {}), dict):
            raise ValueError("a cell's source or metadata has the wrong type")
    return nbformat.from_dict(content)


def _read_student(folder: Path, student: str, assignment: str, released: dict[str, set[str]], prefix: bool,
                  notes: list[str]) -> dict[str, tuple[str, str]] | None:
    """Exercise -> (kind, source) of one student's assignment, its notebooks read without following
    links (``None``: no such submission, or one that cannot be read, named in ``notes``)."""
    try:
        with safefiles.open_folder(folder, student, assignment) as fd:
            present = set(safefiles.names(fd))
            found: dict[str, tuple[str, str]] = {}
            for name in released:
                if f"{name}.ipynb" not in present:
                    notes.append(f"{student}/{assignment}: {name}.ipynb missing from the submission")
                    continue
                try:
                    nb = _parse(safefiles.read_file(fd, f"{name}.ipynb"))
                    for key, (kind, text) in _cells(nb, f"{name}/" if prefix else "", released[name]).items():
                        if len(text) > MAX_ANSWER:
                            notes.append(f"{student}/{assignment}/{name}.ipynb: {key} has {len(text)} characters; "
                                         f"the first {MAX_ANSWER} are compared")
                        found[key] = (kind, text[:MAX_ANSWER])
                except safefiles.Refused as refused:
                    notes.append(f"{student}/{assignment}/{name}.ipynb is {refused}: left out")
                except Exception as error:  # noqa: BLE001 - any unreadable notebook is named, not raised
                    notes.append(f"{student}/{assignment}/{name}.ipynb cannot be read "
                                 f"({type(error).__name__}: {str(error)[:200]}): left out")
            return found
    except FileNotFoundError:
        return None
    except (safefiles.Refused, OSError) as error:
        notes.append(f"{student}/{assignment}: {error}: left out")
        return None


def read_cleared(path: Path) -> set[tuple[str, str, str]]:
    """The reviewed pairs of ``path`` as (assignment or ``*``, student, student), each pair sorted.
    A missing file clears nothing; a file without the three columns is a ``ValueError``."""
    if not path.is_file():
        return set()
    cleared = set()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"assignment", "student_a", "student_b"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: the header must name assignment, student_a, student_b "
                             f"(missing: {', '.join(sorted(missing))})")
        for number, row in enumerate(reader, start=2):
            assignment, a, b = ((row.get(k) or "").strip() for k in ("assignment", "student_a", "student_b"))
            if not (a and b and assignment):
                raise ValueError(f"{path}, line {number}: assignment, student_a and student_b must not be empty")
            cleared.add((assignment, *sorted((a, b))))
    return cleared


def _clusters(names: list[str], edges: list[tuple[int, int]]) -> list[list[str]]:
    parent = list(range(len(names)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        parent[find(i)] = find(j)
    groups: dict[int, list[str]] = {}
    for i, j in edges:
        for k in (i, j):
            groups.setdefault(find(k), [])
            if names[k] not in groups[find(k)]:
                groups[find(k)].append(names[k])
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))


def _solution_cells(root: Path, assignment: str, released: dict[str, set[str]], prefix: bool) -> dict[str, tuple[str, str]]:
    """The course's own answers (``solutions/``), as one more student's."""
    found: dict[str, tuple[str, str]] = {}
    for path in course.source_notebooks(root, assignment):
        cells = _cells(nbformat.read(path, as_version=4), f"{path.stem}/" if prefix else "", released[path.stem])
        found.update({key: value for key, value in cells.items() if not key.endswith(ADDED)})
    return found


def _compare(report: Report, assignment: str, exercises: dict[str, Exercise], people: list[str],
             cells: list[dict[str, tuple[str, str]]], settings: Settings
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Similarity, score and flags of every pair of ``people`` on the assignment, and per
    exercise (exercise -> (similarity, score, flags of that exercise alone))."""
    total: similarity.Pairs | None = None
    per: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for key, exercise in sorted(exercises.items()):
        answers: list[Answer | None] = []
        for person, found in zip(people, cells):
            answer = similarity.fingerprint(found[key][1], exercise.kind, exercise.base, settings) if key in found else None
            answers.append(answer)
            if answer is not None:
                report.answers[(assignment, person, key)] = answer
        pairs = similarity.compare(answers, settings)
        total = pairs if total is None else total + pairs
        value = pairs.similarity
        score = similarity.calibrate(value, pairs.answered, settings)
        sizes = np.array([len(a.prints) if a else 0 for a in answers])
        per[key] = (value, score, similarity.flags(value, score, sizes, settings))
        report.exercises[(assignment, key)] = exercise
    assert total is not None   # every assignment has at least its "(added cells)" exercise
    value = total.similarity
    score = similarity.calibrate(value, total.answered, settings)
    flagged = similarity.flags(value, score, settings=settings)
    for _, _, alone in per.values():
        flagged |= alone
    return value, score, flagged, per


def analyse(root: Path, assignments: list[str] | None = None, cleared: set[tuple[str, str, str]] | None = None,
            settings: Settings = similarity.DEFAULT, all_pairs: bool = False) -> Report:
    """Compare every student of ``submitted/`` (and the course's solutions) per assignment:
    the pairs flagged (or all pairs), their clusters, and the notes on what could not be read."""
    report = Report()
    cleared = cleared or set()
    folder = root / course.SUBMITTED
    students = sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
    for assignment in assignments or course.assignments(root):
        exercises, released = _exercises(root, assignment, settings)
        prefix = len(released) > 1
        people: list[str] = []
        cells: list[dict[str, tuple[str, str]]] = []
        for student in students:
            found = _read_student(folder, student, assignment, released, prefix, report.notes)
            if found is not None:
                people.append(student)
                cells.append(found)
        if not people:
            continue
        people.append(SOLUTIONS)
        cells.append(_solution_cells(root, assignment, released, prefix))
        value, score, flagged, per = _compare(report, assignment, exercises, people, cells, settings)
        edges = []
        for i, j in zip(*np.triu_indices(len(people), k=1)):
            a, b = people[i], people[j]
            is_cleared = (assignment, *sorted((a, b))) in cleared or ("*", *sorted((a, b))) in cleared
            if flagged[i, j] and not is_cleared:
                edges.append((i, j))
            if not (all_pairs or flagged[i, j]):
                continue
            shown = sorted(((k, float(v[i, j]), float(s[i, j])) for k, (v, s, alone) in per.items()
                            if alone[i, j] or (v[i, j] >= settings.flag_similarity / 2 and s[i, j] > 0)),
                           key=lambda e: (-e[2], -e[1], e[0]))
            report.pairs.append(PairResult(assignment, a, b, float(value[i, j]), float(score[i, j]),
                                           bool(flagged[i, j]) and not is_cleared, is_cleared and bool(flagged[i, j]),
                                           shown))
        report.clusters[assignment] = _clusters(people, edges)
        shown_people = {name for p in report.pairs if p.assignment == assignment and p.flagged for name in (p.a, p.b)}
        for key in [k for k in report.answers if k[0] == assignment and k[1] not in shown_people]:
            del report.answers[key]   # the page shows flagged pairs only
    report.pairs.sort(key=lambda p: (p.assignment, not p.flagged, -p.score, -p.similarity, p.a, p.b))
    return report


COLUMNS = ["assignment", "student_a", "student_b", "similarity", "score", "flagged", "cleared", "exercises"]


def write_csv(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for p in report.pairs:
            writer.writerow([p.assignment, p.a, p.b, f"{p.similarity:.4f}", f"{p.score:.4f}", int(p.flagged),
                             int(p.cleared), "; ".join(f"{k} {v:.2f}/{s:.2f}" for k, v, s in p.exercises)])


_STYLE = """body{font-family:sans-serif;margin:1.5em;max-width:110em}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin-bottom:1em}
td,th{border:1px solid #bbb;padding:.2em .5em;vertical-align:top;text-align:left}
pre{margin:0;font-size:.85em;white-space:pre-wrap;overflow-wrap:anywhere}
mark{background:#ffd966}s{color:#888;text-decoration:none}"""


def _side(answer: Answer | None, lines_matched: set[int], given: set[str]) -> str:
    if answer is None:
        return "<p><em>no answer</em></p>"
    out = []
    for number, line in enumerate(answer.source.splitlines()):
        text = html.escape(line) or " "
        if number in lines_matched:
            text = f"<mark>{text}</mark>"
        elif line.strip() in given:
            text = f"<s>{text}</s>"
        out.append(text)
    return "<pre>" + "\n".join(out) + "</pre>"


def write_html(report: Report, path: Path, settings: Settings = similarity.DEFAULT) -> None:
    e = html.escape
    body = [f"<h1>Similarity report</h1><p>Pairs are flagged when their similarity is at least "
            f"{settings.flag_similarity} and their score at least {settings.flag_score}, on the assignment or on "
            f"one exercise. <mark>Highlighted</mark> lines hold fragments both students wrote and few others did; "
            f"<s>grey</s> lines were given out in the released notebook. Alike is not copied: read both answers, "
            f"then decide.</p>"]
    if report.notes:
        body.append("<h2>Not compared</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in report.notes) + "</ul>")
    body.append("<h2>Clusters</h2>")
    for assignment, groups in sorted(report.clusters.items()):
        if groups:
            body.append(f"<h3>{e(assignment)}</h3><ul>" + "".join(
                f"<li>{e(', '.join(g))}</li>" for g in groups) + "</ul>")
    if not any(report.clusters.values()):
        body.append("<p>No pair is flagged.</p>")
    cleared = [p for p in report.pairs if p.cleared]
    if cleared:
        body.append("<h2>Cleared by a reviewer (not flagged)</h2><ul>" + "".join(
            f"<li>{e(p.assignment)}: {e(p.a)} and {e(p.b)} ({p.similarity:.2f} / {p.score:.2f})</li>"
            for p in cleared) + "</ul>")
    body.append("<h2>Flagged pairs</h2>")
    for p in (p for p in report.pairs if p.flagged):
        body.append(f"<h3>{e(p.assignment)}: {e(p.a)} and {e(p.b)}</h3><p>similarity {p.similarity:.3f}, "
                    f"score {p.score:.3f}</p>")
        for key, value, score in p.exercises:
            a = report.answers.get((p.assignment, p.a, key))
            b = report.answers.get((p.assignment, p.b, key))
            ours, theirs = similarity.shared_lines(a, b) if a and b else (set(), set())
            given = report.exercises[(p.assignment, key)].given_lines
            body.append(f"<table><tr><th colspan='2'>{e(key)}: similarity {value:.2f}, score {score:.2f}</th></tr>"
                        f"<tr><th>{e(p.a)}</th><th>{e(p.b)}</th></tr>"
                        f"<tr><td>{_side(a, ours, given)}</td><td>{_side(b, theirs, given)}</td></tr></table>")
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Similarity report</title>"
            f"<style>{_STYLE}</style></head><body>{clean_html(''.join(body))}</body></html>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")


def main(root: Path, assignments: list[str] | None, all_pairs: bool, cleared_file: Path | None) -> list[Path]:
    """Run the report and write both files; returns their paths."""
    known = course.assignments(root)
    for assignment in assignments or []:
        if assignment not in known:
            raise ValueError(f"no assignment {assignment!r} in {course.SOURCE}/ (known: {', '.join(known)})")
    cleared = read_cleared(cleared_file if cleared_file else root / CLEARED)
    if cleared_file and not cleared_file.is_file():
        raise ValueError(f"{cleared_file}: no such file")
    report = analyse(root, assignments, cleared, all_pairs=all_pairs)
    csv_path = root / course.REPORTS / "similarity.csv"
    html_path = root / course.REPORTS / "similarity.html"
    write_csv(report, csv_path)
    write_html(report, html_path)
    return [csv_path, html_path]

