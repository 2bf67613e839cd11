"""Every number the course's text states about a result comes from the run.

The convention (README, *For maintainers*): a number in a notebook's prose, a model answer, a
comment of a cell that shows results, or the typed part of a sentence such a cell prints, is
accepted only when it is

* **printed by the run**: it appears, at the precision it is written with, in the output of a
  code cell above the text (for a comment: that cell or one above; for a printed sentence: a
  cell above), in the executed notebook with every cell run. A number may be rounded from the
  printed one (``0.87`` for a printed ``0.872``) but not invented (``0`` only for a printed
  zero), and ``18 %`` matches a printed ``18%`` or ``0.18``;
* **a literal of the code**: a number written as a literal in a code cell of the same notebook
  or in ``coursekit/`` (a kernel size, a shape, a seed), no more precisely than there (``1.000``
  is not the literal ``1``; ``16 %`` is the literal ``0.16``, not ``16``), or a cell's points;
* **a citation**: a year after an author's name, or any number in a sentence that names an
  author, a year and the table, section or figure of the paper it comes from.

Numbers about **trained networks** must be printed, never typed: float32 training gives other
last digits on other machines. A typed number that only an output depending on a training run
prints (a cell that calls ``train`` or uses what such a cell made) is reported.

A row of a table in ``README.md`` or ``docs/`` that names a notebook's folder states that
notebook's results and is checked the same way against it.

Numbers in inline code and code blocks of the Markdown, links, list and heading numbering are
not claims about results and are not checked; nor are the comments and strings of graded
functions and test cells, which talk about exercises, not results.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import nbformat

from autograder import course

#: a number as people write it: 7,300  0.913  18 %  1e-6  2.4e-07
_NUMBER = (r"(?<![\w.,^])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+|\.\d+)"
           r"(?:[eE](?P<exp>[-+−]?\d+))?(?P<pct>\s?%)?")
TEXT_NUMBER = re.compile(_NUMBER + r"(?P<tail>[A-Za-z_]\w*)?")
#: letters that may follow a number in prose and still leave it a number (units, "10x10")
UNITS = {"px", "x", "s", "ms", "pt", "D", "th", "st", "nd", "rd"}
OUTPUT_NUMBER = re.compile(_NUMBER)
WORDS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
    "dozen": 12, "twice": 2, "half": 0.5, "thrice": 3,
}
WORD_NUMBER = re.compile(r"\b(?P<word>" + "|".join(WORDS) + r")\b", re.IGNORECASE)
#: an author and a year: "Zhang 2019", "Zhang (2019", "Kayhan & van Gemert (2020", "Cohen & Welling 2016"
CITED_YEAR = re.compile(r"[A-Z][\w-]+(?: et al\.)?,? \(?(?P<year>(?:19|20)\d\d)\b")
#: where in a paper a number comes from
PAPER_PLACE = re.compile(r"\b(?:Table|Tab\.|Section|Sec\.|§|Figure|Fig\.)\s*\d", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(*`$\[])|\n\s*\n|\n\s*[*-] ")
#: Markdown that states nothing about results: code, links' targets, HTML comments, numbering
UNCHECKED_MARKDOWN = re.compile(
    r"```.*?```|`[^`\n]*`|\]\([^)]*\)|https?://\S+|<!--.*?-->|^\s*#+\s*\d+\s*[.·]|^\s*\d+\.\s", re.DOTALL | re.MULTILINE)
TRAINING_CALL = re.compile(r"\btrain\(")


@dataclass(frozen=True)
class Number:
    """A number as written: its value, its precision (decimal places) and where it stands."""

    text: str
    value: float
    decimals: int
    start: int = 0

    def matches(self, printed: Number) -> bool:
        """Whether this number is the printed one, written at the same or a coarser precision
        (rounded, never invented: a written 0 needs a printed 0)."""
        if self.decimals > printed.decimals:
            return False
        if self.value == 0:
            return printed.value == 0
        return abs(round(printed.value, self.decimals) - self.value) <= 10.0 ** -(self.decimals + 6)

    def alternatives(self) -> list[Number]:
        """The same number as a fraction and as a percentage (18 % and 0.18)."""
        as_fraction = Number(self.text, self.value / 100, self.decimals + 2, self.start)
        as_percent = Number(self.text, self.value * 100, self.decimals - 2, self.start)
        return [self, as_fraction, as_percent]


def _number(match: re.Match[str], start: int = 0) -> Number:
    digits = match["num"].replace(",", "")
    decimals = len(digits.partition(".")[2])
    value = float(digits)
    if match["exp"]:
        exponent = int(match["exp"].replace("−", "-"))
        value *= 10.0 ** exponent
        decimals -= exponent
    end = next(match.end(group) for group in ("pct", "exp", "num") if match[group])
    return Number(match.string[match.start():end].strip(), value, decimals, start)


def text_numbers(text: str) -> list[Number]:
    """The numbers written in ``text`` (digits and number words), in order."""
    found = []
    for match in TEXT_NUMBER.finditer(text):
        tail = match["tail"]
        if tail and tail not in UNITS and not re.fullmatch(r"x\d+", tail):
            continue   # part of a name (float32, 2k), not a number with a unit (16 px, 10x10)
        found.append(_number(match, match.start()))
    for match in WORD_NUMBER.finditer(text):
        found.append(Number(match["word"], float(WORDS[match["word"].lower()]), 0, match.start()))
    return sorted(found, key=lambda n: n.start)


def printed_numbers(text: str) -> list[Number]:
    """The numbers in a cell's output, as printed (no units needed)."""
    return [_number(m) for m in OUTPUT_NUMBER.finditer(text)]


def output_text(cell: nbformat.NotebookNode) -> str:
    """What a code cell showed as text: its streams, results and displays (not its pictures)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            data = output.get("data", {})
            for mime in ("text/markdown", "text/plain"):
                if mime in data and "application/vnd.jupyter.widget-view+json" not in data:
                    parts.append(data[mime])
                    break
        elif output.output_type == "error":
            parts.append("\n".join(output.get("traceback", [])))
    return "\n".join(parts)


def _python(source: str) -> str:
    """A cell's source without its IPython magics and shell lines (same line numbers)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def code_literals(source: str) -> set[Number]:
    """The numeric literals of Python code (IPython magics left out), each with its precision."""
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return set()
    return {_literal(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)}


def _literal(value: int | float) -> Number:
    exponent = Decimal(repr(value)).as_tuple().exponent if isinstance(value, float) else 0
    return Number(repr(value), abs(float(value)), max(0, -int(exponent)))


def coursekit_literals(root: Path) -> set[Number]:
    """The numeric literals of every module of ``coursekit/``."""
    values: set[Number] = set()
    for path in sorted((root / "coursekit").glob("*.py")):
        values |= code_literals(path.read_text())
    return values


def comments_and_strings(source: str) -> tuple[list[str], list[str]]:
    """A code cell's comments, and the typed text of its strings (an f-string's fields left out)."""
    comments: list[str] = []
    strings: list[str] = []
    clean = _python(source)
    try:
        for token in tokenize.generate_tokens(io.StringIO(clean).readline):
            if token.type == tokenize.COMMENT:
                comments.append(token.string)
        tree = ast.parse(clean)
    except (SyntaxError, tokenize.TokenError):
        return comments, strings
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    format_specs = {id(part) for node in ast.walk(tree) if isinstance(node, ast.FormattedValue) and node.format_spec
                    for part in ast.walk(node.format_spec)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | format_specs:
            strings.append(node.value)
    return comments, strings


def trained_cells(nb: nbformat.NotebookNode) -> set[int]:
    """Indexes of the code cells whose outputs depend on a training run: the cells that call
    ``train(...)``, and every later cell that uses a name such a cell defined."""
    tainted_names: set[str] = set()
    cells: set[int] = set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source = _python(cell.source)
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if TRAINING_CALL.search(source) or used & tainted_names:
            cells.add(index)
            tainted_names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            tainted_names |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    return cells


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """``text`` cut into sentences (roughly), each with its offset."""
    start = 0
    for match in SENTENCE_END.finditer(text):
        yield start, text[start:match.start()]
        start = match.end()
    yield start, text[start:]


def citations(text: str) -> set[int]:
    """Offsets of the numbers that a citation allows: an author's year, and every number of a
    sentence that gives an author, a year and the paper's table, section or figure."""
    allowed = {m.start("year") for m in CITED_YEAR.finditer(text)}
    for offset, sentence in sentences(text):
        if CITED_YEAR.search(sentence) and PAPER_PLACE.search(sentence):
            allowed |= {offset + n.start for n in text_numbers(sentence)}
    return allowed


def blank_unchecked(markdown: str) -> str:
    """Markdown with its code, links' targets, comments and numbering blanked (same offsets)."""
    return UNCHECKED_MARKDOWN.sub(lambda m: re.sub(r"\S", " ", m.group(0)), markdown)


#: why a number is accepted, or not
LITERAL, CITATION, PRINTED, TRAINED, MISSING = "literal", "citation", "printed", "trained", "missing"
REASONS = {
    MISSING: "is neither printed by the run above it (at this precision) nor a literal of the code: "
             "print it from the code, or quote the printed value",
    TRAINED: "is a result of a training run: other machines print other last digits, so it must not be "
             "typed; refer to the printed value (or print the sentence from the code)",
}


@dataclass(frozen=True)
class Finding:
    """One number of a text, where it is, and why it is accepted (or not)."""

    where: str
    number: Number
    context: str
    verdict: str
    cell: int | None = None   # the notebook cell it is in (None in the README and docs)

    @property
    def wrong(self) -> bool:
        return self.verdict in REASONS

    def __str__(self) -> str:
        return f"{self.where}: {self.number.text!r} {REASONS.get(self.verdict, self.verdict)}\n    ...{self.context}..."


@dataclass
class Source:
    """What a text may quote: the numbers printed so far (each with whether a training run made
    it), and the literals of the code."""

    printed: list[tuple[Number, bool]]
    literals: set[Number]

    def judge(self, number: Number) -> str:
        """LITERAL, PRINTED, TRAINED (printed only by cells that depend on training) or MISSING."""
        typed = number.alternatives()[1] if number.text.endswith("%") else number   # 16 % is the literal 0.16
        if any(typed.decimals <= literal.decimals and abs(typed.value - literal.value) <= 1e-12 * max(1.0, literal.value)
               for literal in self.literals):
            return LITERAL   # written no more precisely than in the code
        matched = [trained for printed, trained in self.printed
                   if any(alt.matches(printed) for alt in number.alternatives())]
        if not matched:
            return MISSING
        return TRAINED if all(matched) else PRINTED


def check_text(text: str, where: str, source: Source, cell: int | None = None) -> list[Finding]:
    """Every number of ``text`` judged: a citation's, or as ``source`` accounts for it."""
    findings = []
    allowed = citations(text)
    for number in text_numbers(text):
        verdict = CITATION if number.start in allowed else source.judge(number)
        context = " ".join(text[max(0, number.start - 60):number.start + 40].split())
        findings.append(Finding(where, number, context, verdict, cell))
    return findings


def _literals(nb: nbformat.NotebookNode, extra: set[Number]) -> set[Number]:
    """The numbers a notebook's text may type: its code's literals, its cells' points, ``extra``."""
    literals = set(extra)
    for cell in nb.cells:
        if cell.cell_type == "code":
            literals |= code_literals(cell.source)
        points = course.nbgrader_meta(cell).get("points")
        if points is not None:
            literals.add(Number(str(points), float(points), 0))
    return literals


def notebook_findings(nb: nbformat.NotebookNode, name: str, extra_literals: set[Number]) -> list[Finding]:
    """Every number of an executed notebook's text, judged against the run and the code."""
    literals = _literals(nb, extra_literals)
    trained = trained_cells(nb)
    printed: list[tuple[Number, bool]] = []
    findings: list[Finding] = []
    for index, cell in enumerate(nb.cells):
        meta = course.nbgrader_meta(cell)
        label = f"{name}, cell {index} ({cell.get('id', '?')})"
        if cell.cell_type == "markdown":
            kind = "model answer" if meta.get("solution") else "text"
            findings += check_text(blank_unchecked(cell.source), f"{label}, {kind}", Source(printed, literals), index)
            continue
        if cell.cell_type != "code":
            continue
        here = [(n, index in trained) for n in printed_numbers(output_text(cell))]
        if not meta.get("solution") and not course.is_autograded_test(cell):   # a cell that shows results
            comments, strings = comments_and_strings(cell.source)
            for comment in comments:
                findings += check_text(comment, f"{label}, comment", Source(printed + here, literals), index)
            for string in strings:
                findings += check_text(string, f"{label}, printed text", Source(printed, literals), index)
        printed += here
    return findings


def table_rows_about(text: str, notebook: str) -> list[str]:
    """The rows of Markdown tables in ``text`` that name the notebook's folder."""
    return [line for line in text.splitlines()
            if line.lstrip().startswith("|") and re.search(rf"\b(?:notebooks|solutions)/{re.escape(notebook)}\b", line)]


def document_findings(documents: Iterable[Path], nb: nbformat.NotebookNode, name: str,
                      extra_literals: set[Number]) -> list[Finding]:
    """The numbers of README and docs table rows about notebook ``name``, judged against its run."""
    literals = _literals(nb, extra_literals)
    trained = trained_cells(nb)
    printed = [(n, i in trained) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
               for n in printed_numbers(output_text(cell))]
    findings = []
    for document in documents:
        for row in table_rows_about(document.read_text(), name):
            claims = "|".join(row.split("|")[3:])   # what follows the notebook's number and folder
            findings += check_text(blank_unchecked(claims), f"{document.name}, row of {name}", Source(printed, literals))
    return findings


def planted(text: str, number: Number, replacement: str) -> str:
    """``text`` with ``number`` (found in it at ``number.start``) replaced."""
    assert text[number.start:number.start + len(number.text)] == number.text
    return text[:number.start] + replacement + text[number.start + len(number.text):]


def wrong_versions(number: Number) -> Iterator[str]:
    """Plausible wrong values for ``number``, written as precisely as it is."""
    decimals = max(number.decimals, 0)
    step = 10.0 ** -decimals
    percent = "%" if number.text.endswith("%") else ""
    for change in (7, -7, 13, -13, 31, -31):
        value = number.value + change * step
        if value > 0 and not (number.value <= 1 < value):   # a fraction stays a fraction
            yield f"{value:,.{decimals}f}" + percent
