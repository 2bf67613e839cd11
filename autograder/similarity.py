"""How alike two students' answers are, exercise by exercise, for a whole class.

The exercises of an assignment are its solution cells (by ``grade_id``), the written answers
(markdown solution cells) and the code cells a student added or changed (one exercise,
``(added cells)``). For each exercise and each student:

* **code** is cut into tokens with Python's :mod:`tokenize`; names and literals are
  normalised (``V``, ``N``, ``S``; keywords, operators and attribute names stay); comments,
  docstrings, layout, trailing commas and the parentheses formatters add or remove are dropped;
  every ``k`` consecutive tokens are hashed (Karp-Rabin) and a **winnowing** window keeps the
  smallest hash of each ``window`` neighbours (Schleimer, Wilkerson & Aiken 2003, as MOSS and
  Dolos do);
* **written answers** are cut into words; every three consecutive words are one fingerprint
  and every number one more;
* the **released notebook** gives out code and text: every k-gram of its code and every
  shingle of its text is a *base* fingerprint, removed from every student's (and numbers that
  the course's own notebooks print or quote are given too: every honest student quotes them).

Two students' ``similarity`` on one exercise is the sum, over the fingerprints they share, of
each fingerprint's **rarity** in the class (``(log(n / df) / log(n)) ** rarity``: 1 for a
fingerprint only these two have, 0 for one everybody has), divided by the geometric mean of how
many fingerprints each has (at least :attr:`Settings.min_size`, and at least half the class's
median: a one-line answer, or none, cannot be very like anything). What everyone writes counts
for little, so two honest students who both wrote ``np.roll(image, (dy, dx), axis=(0, 1))`` are
not alike. The assignment's figure pools the exercises (shared rarity summed over the sum of the
denominators; an exercise most of the class answered counts for every pair).

``score`` calibrates a similarity against the class: how many robust standard deviations
(1.4826 x the median absolute deviation, at least :attr:`Settings.spread_floor`) it lies above
the median of the pairs who both answered, as ``z^2 / (z^2 + z_half^2)`` (0.5 at ``z_half``
deviations). A pair is flagged when, on the assignment or on one exercise, both its similarity
and its score reach the thresholds (:class:`Settings`; one exercise alone has stricter ones,
and only long answers count). Everything here is deterministic: token hashes are BLAKE2b,
orders are sorted.
"""

from __future__ import annotations

import hashlib
import io
import keyword
import math
import re
import token as tokens
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

#: The course's own solutions, compared with every student like one more student.
SOLUTIONS = "(solutions)"
#: The exercise of the code cells a student added or changed.
ADDED = "(added cells)"


@dataclass(frozen=True)
class Settings:
    """The algorithm's parameters and the default thresholds (see the module's description)."""

    k: int = 6                    #: tokens per code fingerprint
    window: int = 2               #: winnowing window (k-grams)
    words: int = 3                #: words per text shingle
    min_size: int = 6             #: smallest denominator of a similarity (fingerprints) ...
    min_share: float = 0.5        #: ... and at least this share of the class's median answer
    rarity: float = 0.5           #: exponent of the rarity weight (0: every fingerprint counts 1)
    z_half: float = 6.0           #: robust deviations above the class median for a score of 0.5
    spread_floor: float = 0.04    #: smallest robust deviation of an exercise's similarities
    flag_similarity: float = 0.40  #: a pair flagged on an assignment has at least this similarity ...
    flag_score: float = 0.45      #: ... and at least this score
    exercise_similarity: float = 0.70  #: one exercise alone flags a pair at this similarity ...
    exercise_score: float = 0.70  #: ... and this score ...
    exercise_min_prints: int = 50  #: ... when both answers have this many fingerprints


DEFAULT = Settings()

_NAME, _NUMBER, _STRING = "V", "N", "S"
_SKIP = {tokens.COMMENT, tokens.NL, tokens.NEWLINE, tokens.INDENT, tokens.DEDENT, tokens.ENDMARKER,
         tokens.ENCODING}
_CLOSERS = {")", "]", "}"}


@dataclass(frozen=True)
class Token:
    text: str
    line: int    #: 0-based line of the cell's source


def _raw_tokens(source: str) -> list[tokenize.TokenInfo]:
    """The tokens of ``source``, as far as :mod:`tokenize` can read it (IPython magics and
    shell lines are left out, an unfinished statement ends the list)."""
    lines = [("" if line.lstrip().startswith(("%", "!")) else line) for line in source.splitlines(keepends=True)]
    found: list[tokenize.TokenInfo] = []
    try:
        for item in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
            found.append(item)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


_OPENS_EXPRESSION = {"=", "return", "yield", "in", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "|=", "&=",
                     "^=", ">>=", "<<=", ":="}
_ENDS_STATEMENT = {tokens.NEWLINE, tokens.ENDMARKER}


def _redundant_parentheses(raw: Sequence[tokenize.TokenInfo]) -> set[int]:
    """Indices of parentheses around a whole right-hand side (``x = (a, b)``, ``return (a, b)``,
    ``for i in (...):``) and of doubled ones (``any((...))``), which formatters add and remove as
    they like. One pass with a stack: linear in the tokens, however deep the nesting."""
    significant = [t for t in enumerate(raw) if t[1].type not in (tokens.NL, tokens.COMMENT)]
    drop: set[int] = set()
    stack: list[tuple[int, int]] = []   # (position in significant, index in raw) of open brackets
    for position, (index, item) in enumerate(significant):
        if item.type != tokens.OP:
            continue
        if item.string in "([{":
            stack.append((position, index))
        elif item.string in ")]}" and stack:
            start, opening = stack.pop()
            if item.string != ")" or raw[opening].string != "(" or start == 0:
                continue
            before = significant[start - 1][1].string
            following = significant[position + 1][1] if position + 1 < len(significant) else None
            if before == "(":   # doubled: f((x for x in y)) is f(x for x in y)
                if following is not None and following.string == ")":
                    drop.update((opening, index))
            elif before in _OPENS_EXPRESSION and (following is None or following.type in _ENDS_STATEMENT
                                                  or following.string in (":", ";")):
                drop.update((opening, index))
    return drop


def code_tokens(source: str) -> list[Token]:
    """Normalised tokens of Python ``source``: names ``V`` (keywords, builtins' names after a
    dot and attribute names kept), numbers ``N``, strings ``S``; docstrings, comments, layout,
    a comma before a closing bracket and parentheses around a whole right-hand side dropped."""
    every = _raw_tokens(source)
    drop = _redundant_parentheses(every)
    raw = [t for i, t in enumerate(every) if t.type not in _SKIP and i not in drop]
    out: list[Token] = []
    for index, item in enumerate(raw):
        text = item.string
        previous = raw[index - 1].string if index else ""
        if item.type == tokens.STRING or item.type in _FSTRING:
            if item.type in _FSTRING_INNER:
                continue
            statement_start = index == 0 or previous in (":", ";") or raw[index - 1].end[0] < item.start[0]
            following = raw[index + 1] if index + 1 < len(raw) else None
            if statement_start and (following is None or following.start[0] > item.end[0]):
                continue   # a docstring or a string alone on its line says nothing about the code
            text = _STRING
        elif item.type == tokens.NUMBER:
            text = _NUMBER
        elif item.type == tokens.NAME and not keyword.iskeyword(text) and previous != ".":
            text = _NAME
        elif text == "," and index + 1 < len(raw) and raw[index + 1].string in _CLOSERS:
            continue
        out.append(Token(text, item.start[0] - 1))
    return out


_FSTRING_INNER = {getattr(tokens, name) for name in ("FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokens, name)}
_FSTRING = _FSTRING_INNER | {getattr(tokens, name) for name in ("FSTRING_START",) if hasattr(tokens, name)}

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
_DIGITS = re.compile(r"\d")


def text_tokens(source: str) -> list[Token]:
    """Lower-case words and numbers of a written answer (``7,300`` and ``7300`` are one number)."""
    out = []
    for line_number, line in enumerate(source.splitlines()):
        for match in _WORD.finditer(line.lower()):
            word = match.group()
            out.append(Token(word.replace(",", "") if _DIGITS.match(word) else word, line_number))
    return out


_MODULUS = (1 << 61) - 1   # a Mersenne prime: the rolling hash of k-grams works modulo it
_BASE = 1_000_003
_TOKEN_HASHES: dict[str, int] = {}


def _hash(text: str) -> int:
    """A token's hash: BLAKE2b (the same on every machine and run, unlike :func:`hash`), cached."""
    value = _TOKEN_HASHES.get(text)
    if value is None:
        value = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") % _MODULUS
        if len(_TOKEN_HASHES) < 1_000_000:
            _TOKEN_HASHES[text] = value
    return value


def kgrams(items: Sequence[Token], k: int) -> list[tuple[int, int, int]]:
    """(hash, first line, last line) of every ``k`` consecutive tokens (the whole sequence as one
    when it is shorter); the hash is a polynomial rolling hash (Karp-Rabin) of the tokens' hashes."""
    if not items:
        return []
    k = min(k, len(items))
    values = [_hash(t.text) for t in items]
    top = pow(_BASE, k - 1, _MODULUS)
    current = 0
    for value in values[:k]:
        current = (current * _BASE + value) % _MODULUS
    grams = [(current, items[0].line, items[k - 1].line)]
    for i in range(k, len(values)):
        current = ((current - values[i - k] * top) * _BASE + values[i]) % _MODULUS
        grams.append((current, items[i - k + 1].line, items[i].line))
    return grams


def winnow(grams: Sequence[tuple[int, int, int]], window: int) -> list[tuple[int, int, int]]:
    """The k-grams that winnowing keeps: the smallest hash of every ``window`` neighbours (the
    rightmost when tied), each kept once."""
    if len(grams) <= window:
        return [min(grams, key=lambda g: g[0])] if grams else []
    kept: dict[int, tuple[int, int, int]] = {}
    for start in range(len(grams) - window + 1):
        best = start
        for index in range(start + 1, start + window):
            if grams[index][0] <= grams[best][0]:
                best = index
        kept[best] = grams[best]
    return [kept[i] for i in sorted(kept)]


@dataclass
class Answer:
    """One student's answer to one exercise: its text and its fingerprints (hash -> the lines
    where it occurs, as a bit mask: bit ``i`` for line ``i``)."""

    source: str
    prints: dict[int, int] = field(default_factory=dict)


def fingerprint(source: str, kind: str, base: set[int], settings: Settings = DEFAULT) -> Answer:
    """The answer ``source`` (``kind`` ``"code"`` or ``"text"``) with its fingerprints, those in
    ``base`` left out."""
    answer = Answer(source)
    if kind == "code":
        chosen = winnow(kgrams(code_tokens(source), settings.k), settings.window)
    else:
        words = text_tokens(source)
        chosen = kgrams(words, settings.words) if len(words) >= settings.words else []
        chosen += [(_hash("#" + w.text), w.line, w.line) for w in words if _DIGITS.match(w.text)]
    for value, first, last in chosen:
        if value not in base:
            answer.prints[value] = answer.prints.get(value, 0) | ((1 << (last + 1)) - (1 << first))
    return answer


def base_prints(sources: Iterable[str], kind: str, settings: Settings = DEFAULT) -> set[int]:
    """Every fingerprint of given-out ``sources`` (all k-grams, not winnowed: a student's window
    may pick any of them); ``kind="numbers"``: only the numbers of the text, as a written
    answer's fingerprints of them."""
    found: set[int] = set()
    for source in sources:
        if kind == "numbers":
            found.update(_hash("#" + w.text) for w in text_tokens(source) if _DIGITS.match(w.text))
        elif kind == "code":
            found.update(g[0] for g in kgrams(code_tokens(source), settings.k))
        else:
            words = text_tokens(source)
            found.update(g[0] for g in kgrams(words, settings.words) if len(words) >= settings.words)
            found.update(_hash("#" + w.text) for w in words if _DIGITS.match(w.text))
    return found


@dataclass
class Pairs:
    """Pairwise figures of one exercise (or pooled over an assignment's exercises) for ``n``
    students: shared rarity and denominators, n x n."""

    shared: np.ndarray
    denominator: np.ndarray
    answered: np.ndarray    #: both students answered (the pairs a score is calibrated on)

    @property
    def similarity(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(self.denominator > 0, self.shared / self.denominator, 0.0)
        return np.clip(value, 0.0, 1.0)

    def __add__(self, other: Pairs) -> Pairs:
        return Pairs(self.shared + other.shared, self.denominator + other.denominator, self.answered | other.answered)


def compare(answers: Sequence[Answer | None], settings: Settings = DEFAULT) -> Pairs:
    """Shared rarity and denominators of every pair of ``answers`` to one exercise (``None``:
    the student has no answer to it)."""
    n = len(answers)
    present = [a for a in answers if a is not None and a.prints]
    df: dict[int, int] = {}
    for answer in present:
        for value in answer.prints:
            df[value] = df.get(value, 0) + 1
    count = max(len(present), 2)
    columns = {value: index for index, value in enumerate(sorted(v for v, d in df.items() if d >= 2))}
    weights = np.zeros(len(columns), dtype=np.float32)
    for value, index in columns.items():
        weights[index] = max(0.0, math.log(count / df[value]) / math.log(count)) ** settings.rarity
    member = np.zeros((n, len(columns)), dtype=np.float32)
    sizes = np.zeros(n)
    for row, answer in enumerate(answers):
        if answer is None:
            continue
        for value in answer.prints:
            if value in columns:
                member[row, columns[value]] = 1.0
        sizes[row] = len(answer.prints)
    shared = ((member * weights) @ member.T).astype(np.float64)
    np.fill_diagonal(shared, 0.0)
    typical = float(np.median(sizes)) if n else 0.0
    sized = np.maximum(sizes, max(settings.min_size, settings.min_share * typical))
    denominator = np.sqrt(np.outer(sized, sized))
    answered = np.outer(sizes > 0, sizes > 0)
    if typical == 0:   # most of the class left it empty: only pairs who both answered count
        denominator[~answered] = 0.0
    shared[~answered] = 0.0
    return Pairs(shared, denominator, answered)


def calibrate(similarity: np.ndarray, valid: np.ndarray, settings: Settings = DEFAULT) -> np.ndarray:
    """The score of every pair: how far its similarity lies above the class's, in [0, 1], from
    the pairs (``i < j``) where ``valid`` (both students answered)."""
    upper = np.triu(valid, k=1)
    values = similarity[upper]
    if values.size == 0:
        return np.zeros_like(similarity)
    center = float(np.median(values))
    spread = max(1.4826 * float(np.median(np.abs(values - center))), settings.spread_floor)
    z = np.maximum(similarity - center, 0.0) / spread
    score = z * z / (z * z + settings.z_half ** 2)
    return np.where(valid, score, 0.0)


def shared_lines(a: Answer, b: Answer) -> tuple[set[int], set[int]]:
    """The lines of ``a`` and of ``b`` that hold fingerprints both have (not given out)."""
    common = a.prints.keys() & b.prints.keys()
    ours = theirs = 0
    for value in common:
        ours |= a.prints[value]
        theirs |= b.prints[value]
    return _lines(ours), _lines(theirs)


def _lines(mask: int) -> set[int]:
    return {line for line in range(mask.bit_length()) if mask >> line & 1}


def flags(similarity: np.ndarray, score: np.ndarray, sizes: np.ndarray | None = None,
          settings: Settings = DEFAULT) -> np.ndarray:
    """Which pairs pass the thresholds of an assignment's pooled figures; with ``sizes``
    (fingerprints per student) the stricter ones of one exercise alone, only for pairs whose
    answers both have :attr:`Settings.exercise_min_prints` fingerprints (a few lines alone say
    too little: honest students write them alike)."""
    if sizes is None:
        return (similarity >= settings.flag_similarity) & (score >= settings.flag_score)
    return ((similarity >= settings.exercise_similarity) & (score >= settings.exercise_score)
            & (np.minimum.outer(sizes, sizes) >= settings.exercise_min_prints))
