"""Copies of a solution, disguised as students disguise them.

Each disguise takes the source of one solution cell and returns a copy that still runs the
same way (or, for dead code, the same way plus statements that do nothing useful):

* ``rename``: every local name replaced (parameters and the function's name stay, as the
  tests call them);
* ``reformat``: the code printed again by ``ast.unparse`` (spacing, quotes, parentheses,
  line breaks), blank lines added;
* ``comments``: comment lines and end-of-line comments added;
* ``deadcode``: unused assignments, an ``if False:`` block and a debug flag inserted;
* ``reorder``: independent neighbouring statements swapped (the checks among themselves,
  assignments that do not use each other);
* ``comprehension``: ``x = []; for ...: x.append(e)`` becomes a list comprehension, a sum
  loop becomes ``sum(...)``, and otherwise the outer ``for ... in range`` loop becomes a
  ``while`` loop;
* ``inline``: temporaries used once are replaced by their expression (and a one-line
  expression used more than once is taken out into a temporary when there is none).

The ast-based disguises (``reorder`` when it moves code, ``comprehension``, ``inline``) print
the code with ``ast.unparse``, so their comments are gone and their layout is normalised too.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import random
import tokenize

TUNED = ("rename", "comments", "deadcode")
HELD_OUT = ("reformat", "reorder", "comprehension", "inline")
KINDS = TUNED + HELD_OUT

_KEEP = set(dir(builtins)) | {"np", "cv2", "math", "numbers", "self"}
_WORDS = ["data", "temp", "val", "arr2", "thing", "foo", "buf", "q", "z", "mat", "grid", "acc2", "n1", "n2",
          "aa", "bb", "cc", "dd", "ee", "ff", "gg", "hh2", "kk", "mm", "pp", "qq", "tt", "uu", "vv", "zz"]


def _function(tree: ast.Module) -> ast.FunctionDef:
    return next(node for node in tree.body if isinstance(node, ast.FunctionDef))


def rename(code: str, rng: random.Random) -> str:
    tree = ast.parse(code)
    func = _function(tree)
    params = {a.arg for a in func.args.args + func.args.kwonlyargs}
    local = sorted({n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
                   - params - _KEEP)
    words = rng.sample(_WORDS, len(local))
    mapping = dict(zip(local, words))
    out = []
    previous = None
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.NAME and token.string in mapping and previous != ".":
            token = token._replace(string=mapping[token.string])
        out.append(token)
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.string
    return tokenize.untokenize(out)


def reformat(code: str, rng: random.Random) -> str:
    text = ast.unparse(ast.parse(code))
    lines = text.splitlines()
    out = []
    for line in lines:
        out.append(line)
        if line.strip() and rng.random() < 0.25 and not line.rstrip().endswith(":"):
            out.append("")
    return "\n".join(out) + "\n"


def _statement_lines(code: str) -> list[tuple[int, int]]:
    """(line number, indentation) of every statement inside the function, outermost first."""
    func = _function(ast.parse(code))
    found = []
    for node in ast.walk(func):
        for field in ("body", "orelse"):
            stmts = getattr(node, field, None)
            for stmt in stmts if isinstance(stmts, list) else []:
                if isinstance(stmt, ast.stmt) and not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
                    found.append((stmt.lineno, stmt.col_offset))
    return sorted(set(found))


_NOTES = ["# step one", "# compute it", "# NOTE: careful with the borders", "# handle errors", "# the result",
          "# convert types", "# this is the important part", "# from the lecture slides", "# works for 2-D only",
          "# done"]


def comments(code: str, rng: random.Random) -> str:
    lines = code.splitlines()
    spots = _statement_lines(code)
    for lineno, col in sorted(rng.sample(spots, max(1, len(spots) // 2)), reverse=True):
        lines.insert(lineno - 1, " " * col + rng.choice(_NOTES))
    out = []
    for line in lines:
        if line.strip() and not line.strip().startswith("#") and not line.rstrip().endswith("\\") and rng.random() < 0.2:
            line = line + "  " + rng.choice(_NOTES)
        out.append(line)
    text = "\n".join(out) + "\n"
    ast.parse(text)
    return text


_DEAD = ["debug = False", "unused = 0", "counter = 0", "if False:\n    print('debugging')", "tmp_list = []",
         "eps = 1e-09", "verbose = False", "_ = None", "if debug:\n    print('here')"]


def deadcode(code: str, rng: random.Random) -> str:
    lines = code.splitlines()
    spots = _statement_lines(code)
    picks = sorted(rng.sample(spots, min(len(spots), 3)), reverse=True)
    for lineno, col in picks:
        snippet = rng.choice(_DEAD)
        if "debug:" in snippet:
            snippet = "debug = False\n" + snippet
        lines[lineno - 1:lineno - 1] = [" " * col + line for line in snippet.splitlines()]
    text = "\n".join(lines) + "\n"
    ast.parse(text)
    return text


def _names(node: ast.AST, ctx: type) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _independent(a: ast.stmt, b: ast.stmt) -> bool:
    flow = (ast.Return, ast.Break, ast.Continue)
    if any(isinstance(n, flow) for n in ast.walk(a)) or any(isinstance(n, flow) for n in ast.walk(b)):
        return False
    if any(isinstance(n, (ast.AugAssign, ast.Raise)) for s in (a, b) for n in ast.walk(s)) and not (
            _is_check(a) and _is_check(b)):
        return False
    wa, wb = _names(a, ast.Store), _names(b, ast.Store)
    ra, rb = _names(a, ast.Load), _names(b, ast.Load)
    return not (wa & (rb | wb) or wb & ra)


def _is_check(stmt: ast.stmt) -> bool:
    return (isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1 and isinstance(stmt.body[0], ast.Raise)) \
        or isinstance(stmt, ast.Assert)


def reorder(code: str, rng: random.Random) -> str:
    tree = ast.parse(code)
    swapped = 0
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        index = 0
        while index + 1 < len(body):
            a, b = body[index], body[index + 1]
            if isinstance(a, ast.Expr) and isinstance(a.value, ast.Constant):
                index += 1
                continue
            if _independent(a, b) and rng.random() < 0.9:
                body[index], body[index + 1] = b, a
                swapped += 1
                index += 2
            else:
                index += 1
    if not swapped:
        return code
    return ast.unparse(tree) + "\n"


class _Comprehend(ast.NodeTransformer):
    def __init__(self) -> None:
        self.changed = 0

    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            previous = out[-1] if out else None
            loop = stmt
            if (isinstance(loop, ast.For) and not loop.orelse and len(loop.body) == 1 and isinstance(previous, ast.Assign)
                    and len(previous.targets) == 1 and isinstance(previous.targets[0], ast.Name)):
                name = previous.targets[0].id
                inner = loop.body[0]
                gen = ast.comprehension(target=loop.target, iter=loop.iter, ifs=[], is_async=0)
                if (isinstance(previous.value, ast.List) and not previous.value.elts and isinstance(inner, ast.Expr)
                        and isinstance(inner.value, ast.Call) and isinstance(inner.value.func, ast.Attribute)
                        and inner.value.func.attr == "append" and isinstance(inner.value.func.value, ast.Name)
                        and inner.value.func.value.id == name and len(inner.value.args) == 1):
                    out[-1] = ast.Assign(targets=[ast.Name(name, ast.Store())],
                                         value=ast.ListComp(elt=inner.value.args[0], generators=[gen]), lineno=0)
                    self.changed += 1
                    continue
                if (isinstance(inner, ast.AugAssign) and isinstance(inner.op, ast.Add) and isinstance(inner.target, ast.Name)
                        and inner.target.id == name and name not in _names(inner.value, ast.Load)):
                    total = ast.Call(func=ast.Name("sum", ast.Load()),
                                     args=[ast.GeneratorExp(elt=inner.value, generators=[gen])], keywords=[])
                    out[-1] = ast.Assign(targets=[ast.Name(name, ast.Store())],
                                         value=ast.BinOp(previous.value, ast.Add(), total), lineno=0)
                    self.changed += 1
                    continue
            out.append(stmt)
        return out

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for field in ("body", "orelse"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                setattr(node, field, self._body(body))
        return node


def _while(loop: ast.For) -> list[ast.stmt] | None:
    """``for i in range(...)`` as ``i = start`` + ``while i < stop: ...; i += step`` (no continue inside)."""
    if not (isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Name)
            and loop.iter.func.id == "range" and 1 <= len(loop.iter.args) <= 2 and not loop.orelse
            and not any(isinstance(n, ast.Continue) for n in ast.walk(loop))):
        return None
    args = loop.iter.args
    start, stop = (ast.Constant(0), args[0]) if len(args) == 1 else (args[0], args[1])
    name = loop.target.id
    init = ast.Assign(targets=[ast.Name(name, ast.Store())], value=start, lineno=0)
    step = ast.AugAssign(target=ast.Name(name, ast.Store()), op=ast.Add(), value=ast.Constant(1))
    test = ast.Compare(left=ast.Name(name, ast.Load()), ops=[ast.Lt()], comparators=[stop])
    return [init, ast.While(test=test, body=[*loop.body, step], orelse=[])]


def comprehension(code: str, rng: random.Random) -> str:
    tree = ast.parse(code)
    visitor = _Comprehend()
    visitor.visit(tree)
    if not visitor.changed:
        for node in ast.walk(tree):
            for field in ("body", "orelse"):
                body = getattr(node, field, None)
                if not isinstance(body, list):
                    continue
                for index, stmt in enumerate(body):
                    if isinstance(stmt, ast.For) and (replacement := _while(stmt)):
                        body[index:index + 1] = replacement
                        return ast.unparse(ast.fix_missing_locations(tree)) + "\n"
        return code
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def inline(code: str, rng: random.Random) -> str:
    tree = ast.parse(code)
    func = _function(tree)
    changed = False
    for node in ast.walk(func):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        index = 0
        while index < len(body):
            stmt = body[index]
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                    and not isinstance(node, (ast.For, ast.While))):
                name = stmt.targets[0].id
                rest = body[index + 1:]
                loads = [n for s in rest for n in ast.walk(s) if isinstance(n, ast.Name) and n.id == name]
                stores = [n for n in loads if isinstance(n.ctx, ast.Store)]
                deps = _names(stmt.value, ast.Load)
                redefined = any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id in deps
                                for s in rest for n in ast.walk(s))
                if len(loads) == 1 and not stores and not redefined and not any(
                        isinstance(n, (ast.For, ast.While, ast.comprehension)) for s in rest for n in ast.walk(s)
                        if name in _names(n, ast.Load)):
                    target = loads[0]
                    for s in rest:
                        for parent in ast.walk(s):
                            for field, value in ast.iter_fields(parent):
                                if value is target:
                                    setattr(parent, field, stmt.value)
                                elif isinstance(value, list):
                                    for k, item in enumerate(value):
                                        if item is target:
                                            value[k] = stmt.value
                    del body[index]
                    changed = True
                    continue
            index += 1
    if not changed:
        return code
    return ast.unparse(tree) + "\n"


DISGUISES = {"rename": rename, "reformat": reformat, "comments": comments, "deadcode": deadcode,
             "reorder": reorder, "comprehension": comprehension, "inline": inline}


def disguise(code: str, kind: str, seed: int) -> str:
    """A copy of ``code`` disguised by ``kind`` (one of :data:`KINDS`), deterministic in ``seed``."""
    copy = DISGUISES[kind](code, random.Random(f"{kind}/{seed}"))
    compile(copy, kind, "exec")
    return copy


# --- written answers -------------------------------------------------------------------------

TEXT_TUNED = ("synonyms",)
TEXT_HELD_OUT = ("sentence order", "filler")
_SYNONYMS = {"shift": "translation", "image": "picture", "changes": "alters", "changed": "altered", "output": "result",
             "window": "patch", "small": "little", "largest": "biggest", "maximum": "max", "value": "number",
             "pooling": "pooling layer", "exactly": "perfectly", "moves": "shifts", "measured": "found", "block": "region"}
_FILLER = ["This is an interesting question.", "I ran the cells above to check this.", "Here is what I think.",
           "It took a while to understand the plots.", "Let me explain with the numbers from the notebook."]


def disguise_text(text: str, kind: str, seed: int) -> str:
    """A copy of a written answer reworded (``synonyms``: a third of the words that have a
    synonym), its sentences shuffled (``sentence order``) or padded (``filler``)."""
    rng = random.Random(f"{kind}/{seed}")
    sentences = [s.strip() + "." for s in text.split(". ") if s.strip()]
    sentences = [s[:-1] if s.endswith("..") else s for s in sentences]
    if kind == "synonyms":
        words = text.split(" ")
        return " ".join(_SYNONYMS[w] if w in _SYNONYMS and rng.random() < 0.35 else w for w in words)
    if kind == "sentence order":
        rng.shuffle(sentences)
        return " ".join(sentences)
    if kind == "filler":
        for _ in range(2):
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(_FILLER))
        return " ".join(sentences)
    raise ValueError(f"unknown disguise of a written answer: {kind!r}")
