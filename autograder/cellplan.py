"""Which cells of a submission grading has to run.

A cell that only shows something (a figure, a widget, a timing demonstration) is marked in
``solutions/`` with the tag ``display-only`` and is a read-only nbgrader cell, so nbgrader
puts its source back at grading time: a student cannot put code there. Such a cell is skipped
only when the analysis below proves that nothing run after it can tell the difference:

* it binds no name that a later executed cell reads, and no name that a function defined in
  any executed cell reads as a global (a function can be called at any time, by the tests too);
* it does nothing the analysis cannot follow: imports, magics and shell lines, ``global``,
  ``globals()``/``exec``/``eval``/``setattr``/``open`` and the like, random numbers drawn from a
  module's global generator, calls that change a module's state (``np.random.seed``,
  ``plt.rcParams[...] = ...``, ``sns.set_theme``, ``np.seterr``...), and any change to an object
  it did not create (item or attribute assignment, augmented assignment, a method that is not
  known to leave its object unchanged, a library call known to write into its arguments, a
  function of its own that changes its arguments);
* the objects it hands to functions defined in the notebook (which may change their inputs,
  for instance a student's wrong solution) are not reachable, directly or through a name
  bound from them, by any cell executed later.

Every other cell (the student's solution cells, unlocked cells, the course's set-up cells) runs,
in order. A cell that uses ``globals()``, ``exec`` or magics among the executed cells can reach
any name, so then every marked cell runs. Library functions (NumPy, Matplotlib, the course's
``coursekit``...) are trusted not to change the arrays they are given unless listed in
:data:`WRITES_ARGUMENTS` or called with ``out=``.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator, Sequence

#: Cell tag of the cells whose only purpose is to show something.
DISPLAY_TAG = "display-only"
#: What a skipped cell shows in the autograded notebook and the feedback.
SKIP_NOTE = "not run during grading: display only"

#: Names that reach the namespace or the system in ways a name analysis cannot follow.
DYNAMIC = frozenset({
    "globals", "locals", "vars", "exec", "eval", "compile", "__import__", "setattr", "delattr",
    "get_ipython", "open", "input", "breakpoint", "exit", "quit", "__builtins__", "__dict__",
    "In", "Out", "_ih", "_oh", "_ii", "_iii", "_i", "_", "__", "___", "display_pub",
})
#: Functions and methods that change a module's state or the outside world.
STATE_CHANGING = frozenset({
    "seed", "use", "rc", "rcdefaults", "rc_file", "rc_context", "filterwarnings", "simplefilter",
    "resetwarnings", "seterr", "seterrcall", "errstate", "chdir", "putenv", "unsetenv", "reload",
    "savefig", "save", "savez", "savez_compressed", "savetxt", "imwrite", "tofile", "to_csv", "to_pickle",
    "dump", "write", "writelines", "mkdir", "makedirs", "remove", "unlink", "rename", "rmdir", "system",
    "popen", "kill", "run", "call", "Popen", "register", "unregister", "setrecursionlimit", "setNumThreads",
    "setUseOptimized", "setRNGSeed", "patch",
})
#: Library functions known to write into arrays they are given.
WRITES_ARGUMENTS = frozenset({
    "copyto", "put", "place", "putmask", "fill_diagonal", "shuffle", "put_along_axis", "rectangle",
    "circle", "line", "putText", "polylines", "fillPoly", "fillConvexPoly", "ellipse", "drawContours",
    "arrowedLine",
})
#: Methods known to change the object they are called on (containers, arrays, generators).
MUTATING = frozenset({
    "append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault", "sort", "reverse",
    "fill", "put", "resize", "setflags", "itemset", "add", "discard", "__setitem__", "__delitem__", "__iadd__",
    "random", "normal", "uniform", "integers", "choice", "permutation", "permuted", "shuffle", "standard_normal",
    "exponential", "binomial", "poisson", "bytes", "send", "throw", "close", "write", "seek", "truncate",
})
#: Methods that leave the object they are called on unchanged (NumPy arrays, containers,
#: strings, Matplotlib and pandas objects used read-only).
NON_MUTATING = frozenset({
    "astype", "copy", "min", "max", "mean", "sum", "std", "var", "prod", "ravel", "flatten", "reshape",
    "transpose", "swapaxes", "tolist", "item", "any", "all", "argmax", "argmin", "argsort", "nonzero",
    "round", "clip", "dot", "cumsum", "cumprod", "squeeze", "view", "conj", "diagonal", "trace", "ptp",
    "get", "keys", "values", "items", "index", "count", "format", "startswith", "endswith", "join",
    "split", "strip", "lower", "upper", "replace", "to_numpy", "to_string", "describe", "head", "tail",
    "pivot", "pivot_table", "groupby", "agg", "query", "sort_values", "reset_index", "set_index",
    "unstack", "melt", "round", "__getitem__", "__len__", "__contains__", "is_integer", "bit_length",
})
#: Library and builtin functions whose result is always a new object (never one of their
#: arguments, nor a view of one).
NEW_OBJECT = frozenset({
    "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like", "empty_like", "array", "copy",
    "arange", "linspace", "stack", "vstack", "hstack", "concatenate", "pad", "roll", "where", "maximum",
    "minimum", "abs", "absolute", "sqrt", "exp", "log", "square", "clip", "floor", "ceil", "sum", "mean",
    "outer", "dot", "matmul", "percentile", "quantile", "median", "count_nonzero", "argwhere", "argmax",
    "argmin", "unravel_index", "allclose", "array_equal", "isclose", "einsum", "cumsum", "diff", "histogram",
    "filter2D", "resize", "warpAffine", "Sobel", "GaussianBlur", "blur", "load_photo", "bright_pixel_image",
    "perf_counter", "monotonic", "time", "str", "repr", "len", "int", "float", "bool", "complex", "format",
    "round", "hash", "id", "ord", "chr", "isinstance", "issubclass", "callable", "hasattr", "print", "range",
    "list", "tuple", "dict", "set", "frozenset", "sorted", "DataFrame", "default_rng", "figure", "subplots",
})
#: Calls through a module's ``random`` that do not touch a global generator.
RANDOM_SAFE = frozenset({"default_rng", "Generator", "PCG64", "PCG64DXSM", "SeedSequence", "Philox",
                         "SFC64", "MT19937", "BitGenerator", "Random"})
#: IPython lines that only change how figures are shown in the executed cells.
_DISPLAY_MAGIC = re.compile(r"^\s*%(matplotlib|config)\b.*$", re.MULTILINE)
_MAGIC = re.compile(r"^\s*[%!]", re.MULTILINE)
_BUILTINS = frozenset(dir(builtins))
#: Pseudo-root of a function's parameters: whatever the caller passed.
_ARGUMENT = "<argument>"


@dataclass(frozen=True)
class Facts:
    """What one cell's code does, as far as :func:`analyse` can tell."""

    binds: frozenset[str] = frozenset()        # names bound or deleted at the cell's top level
    reads: frozenset[str] = frozenset()        # names read anywhere in the cell
    global_reads: frozenset[str] = frozenset()  # names its functions, lambdas and classes read as globals
    aliases: tuple[tuple[str, frozenset[str]], ...] = ()  # name -> names whose objects it may share
    passed: frozenset[str] = frozenset()       # outside names handed to functions of the notebook
    unsafe: str = ""                           # why the cell must run whatever it binds
    dynamic: bool = False                      # reaches names the analysis cannot see


@dataclass(frozen=True)
class PlanCell:
    """One code cell as the planner sees it."""

    source: str
    skippable: bool = False                     # marked display-only (and verified as such)
    extra_reads: frozenset[str] = frozenset()  # names read on its behalf (the functions tests call)


def _chain(node: ast.expr) -> tuple[ast.expr, list[str]]:
    """``a.b.c`` -> (Name a, ["b", "c"]); the base of subscripts is followed too."""
    attrs: list[str] = []
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        if isinstance(node, ast.Attribute):
            attrs.insert(0, node.attr)
        node = node.value
    return node, attrs


class _Scope:
    """Names bound in one scope, each mapped to the outside names whose objects it may share
    (empty: an object made here); ``containers``: names of new lists, dicts... made here, which
    hold outside objects but are not one of them."""

    def __init__(self, parent: "_Scope | None" = None, *, inherit: bool = False) -> None:
        self.names: dict[str, frozenset[str]] = {}
        self.containers: set[str] = set()
        self.parent, self.inherit = parent, inherit

    def container(self, name: str) -> bool:
        if name in self.names:
            return name in self.containers
        return bool(self.inherit and self.parent is not None and self.parent.container(name))

    def resolve(self, name: str) -> frozenset[str]:
        if name in self.names:
            return self.names[name]
        if self.inherit and self.parent is not None:
            return self.parent.resolve(name)
        return frozenset({name})

    def made_here(self, name: str) -> bool:
        if name in self.names:
            return True
        return bool(self.inherit and self.parent is not None and self.parent.made_here(name))


class _Cell(ast.NodeVisitor):
    """Walks one display cell: what it changes that it did not make, what it hands to the
    notebook's functions."""

    def __init__(self, imported: frozenset[str], defined: frozenset[str] = frozenset()) -> None:
        self.imported, self.defined = imported, defined
        self.scope = _Scope()
        self.functions: set[str] = set()       # functions and classes defined in this cell
        self.unsafe: list[str] = []
        self.passed: set[str] = set()

    # -- what a value may share ---------------------------------------------------------------
    def roots(self, node: ast.AST | None) -> frozenset[str]:
        """Outside names whose objects the value of ``node`` may be or contain."""
        if node is None or isinstance(node, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.UnaryOp, ast.Compare,
                                             ast.Lambda)):
            if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare)):
                self.visit(node)
            return frozenset()
        if isinstance(node, ast.Name):
            self.visit_Name(node)
            if (node.id in self.imported or node.id in self.defined or node.id in _BUILTINS) \
                    and not self.scope.made_here(node.id):
                return frozenset()
            return self.scope.resolve(node.id)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            base, _ = _chain(node)
            if isinstance(node, ast.Subscript):
                self.visit(node.slice)
            return self.roots(base)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            out = set()
            elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            outer = self.scope
            self.scope = _Scope(outer, inherit=True)
            for generator in node.generators:
                shared = self.roots(generator.iter)
                out |= shared
                self._bind(generator.target, shared)
                for condition in generator.ifs:
                    self.roots(condition)
            for element in elements:
                out |= self.roots(element)
            self.scope = outer
            return frozenset(out)
        if isinstance(node, ast.NamedExpr):
            value = self.roots(node.value)
            self._bind(node.target, value)
            return value
        out = set()
        for child in _child_nodes(node):
            if isinstance(child, ast.expr):
                out |= self.roots(child)
        return frozenset(out)

    # -- binding and changing -----------------------------------------------------------------
    def _bind(self, target: ast.AST, shared: frozenset[str], container: bool = False) -> None:
        if isinstance(target, ast.Name):
            self.scope.names[target.id] = shared
            if container:
                self.scope.containers.add(target.id)
            else:
                self.scope.containers.discard(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element, shared)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, shared)
        else:   # item or attribute assignment: the object changes
            base, _ = _chain(target)
            if isinstance(target, ast.Subscript):
                self.visit(target.slice)
            own_item = isinstance(target, ast.Subscript) and target.value is base
            self._changes(base, "assigns to an item or attribute of", container_ok=own_item)

    def _changes(self, base: ast.AST, how: str, container_ok: bool = False) -> None:
        if container_ok and isinstance(base, ast.Name) and self.scope.container(base.id):
            return   # a list or dict this cell made: changing it changes nothing outside
        if not isinstance(base, ast.Name):
            self.unsafe.append(f"{how} an object it did not name")
            return
        if base.id in self.imported and not self.scope.made_here(base.id):
            self.unsafe.append(f"{how} {base.id} (module state)")
            return
        outside = self.scope.resolve(base.id)
        if outside:
            self.unsafe.append(f"{how} {', '.join(sorted(outside))}, which it did not create")

    # -- statements ---------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        shared = self.roots(node.value)
        container = isinstance(node.value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)) \
            or (isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                and node.value.func.id in ("list", "dict", "set") and not self.scope.made_here(node.value.func.id))
        for target in node.targets:
            self._bind(target, shared, container and isinstance(target, ast.Name))

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.roots(node.type)
        if node.name:
            self.scope.names[node.name] = frozenset()
        for statement in node.body:
            self.visit(statement)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._bind(node.target, self.roots(node.value))

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.roots(node.value)
        base, _ = _chain(node.target)
        self._changes(base, "changes in place")   # `x += 1` changes an array in place

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.scope.names.pop(target.id, None)
            else:
                self._changes(_chain(target)[0], "deletes from")

    def visit_For(self, node: ast.For) -> None:
        self._bind(node.target, self.roots(node.iter))
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            shared = self.roots(item.context_expr)
            if item.optional_vars is not None:
                self._bind(item.optional_vars, shared)
        for statement in node.body:
            self.visit(statement)

    visit_AsyncWith = visit_With

    def visit_Import(self, node: ast.AST) -> None:
        self.unsafe.append("imports a module")

    visit_ImportFrom = visit_Import

    def visit_Global(self, node: ast.AST) -> None:
        self.unsafe.append("declares global or nonlocal names")

    visit_Nonlocal = visit_Global

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                self.roots(decorator)
            self.functions.add(node.name)
            self.scope.names[node.name] = frozenset()
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
            self.roots(default)
        outer = self.scope
        self.scope = _Scope(outer)      # globals read at call time: outside objects
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                self.scope.names[arg.arg] = frozenset({_ARGUMENT})
        body = node.body if isinstance(node.body, list) else [ast.Expr(node.body)]
        for statement in body:
            self.visit(statement)
        self.scope = outer

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._function(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expression in [*node.bases, *(k.value for k in node.keywords), *node.decorator_list]:
            self.roots(expression)
        self.functions.add(node.name)
        self.scope.names[node.name] = frozenset()
        outer = self.scope
        self.scope = _Scope(outer)
        for statement in node.body:
            self.visit(statement)
        self.scope = outer

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in DYNAMIC:
            self.unsafe.append(f"uses {node.id}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in ("__dict__", "__globals__", "__builtins__", "f_globals", "f_locals", "modules"):
            self.unsafe.append(f"uses .{node.attr}")
        self.generic_visit(node)

    # -- calls ----------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        self._call(node)

    def _call(self, node: ast.Call) -> frozenset[str]:
        """Check one call; return the outside names its result may share objects with."""
        callee, attrs = _chain(node.func)
        shown = ast.unparse(node.func)
        given: set[str] = set()
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            given |= self.roots(arg)
        final = attrs[-1] if attrs else (callee.id if isinstance(callee, ast.Name) else "")
        if not isinstance(callee, ast.Name):   # a method of an expression's value, e.g. f(x).g()
            receiver = self.roots(callee)
            if receiver and final in MUTATING:
                self.unsafe.append(f"calls {shown}(), which changes {', '.join(sorted(receiver))}")
            elif final not in NON_MUTATING:
                self.passed |= receiver
            return frozenset(given | receiver)
        name = callee.id
        self.visit_Name(callee)
        library = (name in self.imported or name in _BUILTINS) and not self.scope.made_here(name)
        if library:
            if name == "next" and not attrs and node.args and isinstance(node.args[0], ast.Name):
                for root in self.roots(node.args[0]):
                    self.unsafe.append(f"next() advances {root}, which it did not create")
            if final in STATE_CHANGING or (attrs and final.startswith("set")):
                self.unsafe.append(f"calls {shown}(), which changes state outside the cell")
            if "random" in (name, *attrs[:-1]) and final not in RANDOM_SAFE:
                self.unsafe.append(f"draws random numbers from a global generator ({shown})")
            if any(k.arg == "out" for k in node.keywords) or final in WRITES_ARGUMENTS:
                for root in given:
                    self.unsafe.append(f"{shown}() writes into {root}, which it did not create")
            return frozenset() if final in NEW_OBJECT else frozenset(given)
        receiver = self.scope.resolve(name)
        if attrs:   # a method of an object named in the notebook
            if final in STATE_CHANGING:
                self.unsafe.append(f"calls {shown}(), which may change state outside the cell")
            elif len(attrs) == 1 and self.scope.container(name):
                pass   # a method of a list or dict this cell made
            elif receiver and final in MUTATING:
                self.unsafe.append(f"calls {shown}(), which changes {', '.join(sorted(receiver))}, "
                                   "which it did not create")
            elif final not in NON_MUTATING:   # it may change its object: as if handed to a function
                self.passed |= receiver
            return frozenset(given | receiver)   # a method's result may be a view of its object
        if name not in self.functions:   # a function of the notebook (perhaps the student's)
            self.passed |= given
        return frozenset(given)

    def visit_Expr(self, node: ast.Expr) -> None:
        self.roots(node.value)

    def visit_Return(self, node: ast.Return) -> None:
        self.roots(node.value)

    def generic_visit(self, node: ast.AST) -> None:
        for child in _child_nodes(node):
            if isinstance(child, ast.expr) and not isinstance(child, (ast.Name, ast.Attribute, ast.Call)):
                self.roots(child)
            else:
                self.visit(child)


def _top_level_binds(tree: ast.Module) -> set[str]:
    """Names bound or deleted in the module's scope (functions' own locals excluded)."""
    names: set[str] = set()

    def walk(node: ast.AST) -> None:
        for child in _child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(child.name)
                for expression in [*child.decorator_list, *getattr(child, "bases", []),
                                   *getattr(getattr(child, "args", None), "defaults", [])]:
                    walk(expression)
                continue
            if isinstance(child, ast.Lambda):
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                names.add(child.id)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in child.names)
            elif isinstance(child, (ast.MatchAs, ast.MatchStar, ast.ExceptHandler)) and child.name:
                names.add(child.name)
            walk(child)

    walk(tree)
    return names


def _locals(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef) -> set[str]:
    """A function's (or class body's) own names: parameters and whatever it binds."""
    names: set[str] = set()
    if not isinstance(node, ast.ClassDef):
        args = node.args
        names.update(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
                     if a is not None)
    body = node.body if isinstance(node.body, list) else [node.body]
    declared: set[str] = set()
    for statement in body:
        for child in _walk(statement):
            if isinstance(child, (ast.Global, ast.Nonlocal)):
                declared.update(child.names)
    names |= _top_level_binds(ast.Module(body=[s if isinstance(s, ast.stmt) else ast.Expr(s) for s in body],
                                         type_ignores=[]))
    return names - declared


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _outside_parts(node: ast.AST) -> list[ast.AST]:
    """The parts of a function or class definition evaluated in the enclosing scope."""
    parts: list[ast.AST] = list(getattr(node, "decorator_list", []))
    if isinstance(node, ast.ClassDef):
        parts += [*node.bases, *(k.value for k in node.keywords)]
    else:
        parts += [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
    return parts


def _loads(nodes: Iterable[ast.AST]) -> set[str]:
    """Names read by ``nodes`` in their own scope, plus the free names of the functions and
    classes defined in them."""
    found: set[str] = set()
    todo = list(nodes)
    while todo:
        node = todo.pop()
        if isinstance(node, _SCOPES):
            found |= _free(node)
            todo += _outside_parts(node)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found.add(node.id)
        todo += _child_nodes(node)
    return found


def _free(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef) -> set[str]:
    """The names a function (or class body) reads that it does not bind itself."""
    body = node.body if isinstance(node.body, list) else [node.body]
    return _loads(body) - _locals(node)


def _global_reads(tree: ast.AST) -> set[str]:
    """Names that the functions, lambdas and class bodies in ``tree`` read from the globals
    (a nested function's free names included, minus what its enclosing functions bind)."""
    found: set[str] = set()
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, _SCOPES):
            found |= _free(node)
            todo += _outside_parts(node)
            continue
        todo += _child_nodes(node)
    return found


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _expression_loads(node: ast.AST) -> set[str]:
    """Names an expression (or a simple statement) reads in its own scope; a comprehension's
    own variables and the bodies of functions are left out."""
    found: set[str] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, _SCOPES):
            todo += _outside_parts(current)
            continue
        if isinstance(current, _COMPREHENSIONS):
            own = {n.id for g in current.generators for n in _walk(g.target) if isinstance(n, ast.Name)}
            inner: set[str] = set()
            for child in _child_nodes(current):
                inner |= _expression_loads(child)
            found |= inner - own
            found |= _expression_loads(current.generators[0].iter)
            continue
        if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Load):
            found.add(current.id)
        todo += _child_nodes(current)
    return found


def _target_names(target: ast.AST | None) -> set[str]:
    if target is None:
        return set()
    return {n.id for n in _walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _exposed(statements: list[ast.stmt], bound: set[str]) -> set[str]:
    """Names the statements read before binding them themselves (``bound``: names bound for
    sure before them; updated with what they bind for sure)."""
    found: set[str] = set()
    for statement in statements:
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            found |= _expression_loads(statement) - bound
            if not isinstance(statement, ast.AugAssign):
                targets = getattr(statement, "targets", None) or [statement.target]
                for target in targets:
                    bound |= _target_names(target)
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            found |= _expression_loads(statement.iter) - bound
            found |= _expression_loads(statement.target) - bound   # subscripts in the target
            found |= _exposed(statement.body, bound | _target_names(statement.target))
            found |= _exposed(statement.orelse, set(bound))
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                found |= _expression_loads(item.context_expr) - bound
                bound |= _target_names(item.optional_vars)
            found |= _exposed(statement.body, bound)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for part in _outside_parts(statement):
                found |= _expression_loads(part) - bound
            bound.add(statement.name)
        elif isinstance(statement, (ast.If, ast.While)):
            found |= _expression_loads(statement.test) - bound
            found |= _exposed(statement.body, set(bound)) | _exposed(statement.orelse, set(bound))
        elif isinstance(statement, ast.Try):
            found |= _exposed(statement.body, set(bound)) | _exposed(statement.orelse, set(bound))
            found |= _exposed(statement.finalbody, set(bound))
            for handler in statement.handlers:
                if handler.type is not None:
                    found |= _expression_loads(handler.type) - bound
                found |= _exposed(handler.body, bound | ({handler.name} if handler.name else set()))
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in statement.names}
        else:
            found |= _expression_loads(statement) - bound
    return found


def _child_nodes(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes(node)`` as a list, kept on the node: the analysis walks the same
    subtrees many times (a cell's bindings, each function's free names, each value's names)."""
    try:
        return node._cellplan_children   # type: ignore[attr-defined]
    except AttributeError:
        children = list(ast.iter_child_nodes(node))
        node._cellplan_children = children   # type: ignore[attr-defined]
        return children


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node of the subtree, ``node`` first (as ``ast.walk``, in another order)."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        todo += _child_nodes(current)


@lru_cache(maxsize=256)
def _parse(source: str) -> ast.Module | None:
    """The cell's syntax tree (one per source: the analysis only reads it), or None for code it
    cannot analyse."""
    source = _DISPLAY_MAGIC.sub("", source)
    if _MAGIC.search(source):
        return None
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


#: The course's way to lend its reference functions to a test (``coursekit.reference.in_place_of``):
#: ``in_place_of(globals(), "name", ...)`` rebinds exactly the named globals for one block and puts
#: them back, so such a call reads those names and reaches no other through ``globals()``.
LENDING = "in_place_of"


def _lent(nodes: Iterable[ast.AST]) -> tuple[set[int], set[str]]:
    """The ``globals`` names inside ``in_place_of(globals(), "name", ...)`` calls (not dynamic
    there), and the names those calls lend."""
    excused: set[int] = set()
    lent: set[str] = set()
    for node in nodes:
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == LENDING
                and node.args and not node.keywords and isinstance(node.args[0], ast.Call)
                and isinstance(node.args[0].func, ast.Name) and node.args[0].func.id == "globals"
                and not node.args[0].args and not node.args[0].keywords
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[1:])):
            excused.add(id(node.args[0].func))
            lent |= {a.value for a in node.args[1:] if isinstance(a, ast.Constant)}
    return excused, lent


def analyse(source: str, imported: Iterable[str] = (), defined: Iterable[str] = ()) -> Facts:
    """The :class:`Facts` of one cell; ``imported``: names the notebook binds only by imports;
    ``defined``: names it binds only by ``def`` (function objects, which no cell changes)."""
    tree = _parse(source)
    if tree is None:
        return Facts(unsafe="uses IPython magics or shell commands, or does not parse", dynamic=True)
    nodes = list(_walk(tree))
    excused, lent = _lent(nodes)
    names = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and id(n) not in excused}
    global_reads = _global_reads(tree)
    reads = _exposed(tree.body, set()) | global_reads | lent
    attributes = {n.attr for n in nodes if isinstance(n, ast.Attribute)}
    dynamic = bool(names & DYNAMIC) or bool(attributes & {"__dict__", "__globals__", "f_globals", "modules"}) or any(
        isinstance(n, (ast.ImportFrom)) and any(a.name == "*" for a in n.names) or
        isinstance(n, (ast.Import, ast.ImportFrom)) and any(a.name == "__main__" for a in n.names)
        for n in nodes)
    walker = _Cell(frozenset(imported), frozenset(defined))
    for statement in tree.body:
        walker.visit(statement)
    aliases: dict[str, frozenset[str]] = {}
    for node in nodes:   # every binding, wherever: name -> names its value mentions
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.NamedExpr,
                             ast.comprehension, ast.withitem)):
            value = getattr(node, "value", None) or getattr(node, "iter", None) or getattr(node, "context_expr", None)
            targets = getattr(node, "targets", None) or [getattr(node, "target", None) or getattr(node, "optional_vars", None)]
            mentioned = frozenset(n.id for n in _walk(value) if isinstance(n, ast.Name)) if value else frozenset()
            for target in targets:
                for name in (n.id for n in _walk(target) if isinstance(n, ast.Name)) if target else ():
                    aliases[name] = aliases.get(name, frozenset()) | mentioned
    return Facts(
        binds=frozenset(_top_level_binds(tree)), reads=frozenset(reads), global_reads=frozenset(global_reads),
        aliases=tuple(sorted(aliases.items())), passed=frozenset(walker.passed - {_ARGUMENT}),
        unsafe="; ".join(dict.fromkeys(walker.unsafe + (["reaches names dynamically"] if dynamic else []))),
        dynamic=dynamic,
    )


def _bindings(sources: Iterable[str]) -> tuple[set[str], set[str], set[str], set[str]]:
    """Names the notebook binds by ``import``, by ``def``, by ``class``, and otherwise (an
    assignment, a deletion, a function's argument)."""
    imports: set[str] = set()
    functions: set[str] = set()
    classes: set[str] = set()
    otherwise: set[str] = set()
    for source in sources:
        tree = _parse(source)
        if tree is None:
            continue
        for node in _walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.add(node.name)
            elif isinstance(node, ast.ClassDef):
                classes.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                otherwise.add(node.id)
            elif isinstance(node, ast.arg):
                otherwise.add(node.arg)
    return imports, functions, classes, otherwise


def _imported_and_defined(sources: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    imports, functions, classes, otherwise = _bindings(sources)
    return frozenset(imports - functions - classes - otherwise), frozenset(functions - imports - otherwise)


def imported_names(sources: Iterable[str]) -> frozenset[str]:
    """Names bound only by ``import`` statements in the notebook (modules and what was
    imported from them), never by an assignment or a definition."""
    return _imported_and_defined(sources)[0]


def defined_functions(sources: Iterable[str]) -> frozenset[str]:
    """Names bound only by ``def`` in the notebook, never by an assignment or an import."""
    return _imported_and_defined(sources)[1]


@dataclass
class Plan:
    """For each cell: run it or not, and why a marked cell runs."""

    run: list[bool]
    reasons: dict[int, str] = field(default_factory=dict)


def plan(cells: Sequence[PlanCell]) -> Plan:
    """Decide, for every cell in notebook order, whether grading must run it."""
    imported, defined = _imported_and_defined([c.source for c in cells])
    facts = [analyse(c.source, imported, defined) for c in cells]
    run = [not c.skippable for c in cells]
    reasons: dict[int, str] = {}
    for i, (cell, fact) in enumerate(zip(cells, facts)):
        if cell.skippable and fact.unsafe:
            run[i], reasons[i] = True, fact.unsafe
    while True:
        executed = [i for i in range(len(cells)) if run[i]]
        if any(facts[i].dynamic for i in executed):
            for i in range(len(cells)):
                if not run[i]:
                    run[i], reasons[i] = True, "a cell run during grading reaches names dynamically"
            return Plan(run, reasons)
        anytime = set().union(*(facts[i].global_reads for i in executed), *(c.extra_reads for c in cells))
        edges: dict[str, set[str]] = {}
        for i in executed:
            for name, mentioned in facts[i].aliases:
                edges.setdefault(name, set()).update(mentioned)
        changed = False
        later: set[str] = set(anytime)
        for i in reversed(range(len(cells))):
            if not run[i]:
                needed = facts[i].binds & later
                reachable = _closure(later, edges)
                exposed = facts[i].passed & reachable
                if needed or exposed:
                    run[i] = changed = True
                    reasons[i] = (f"a later cell uses {', '.join(sorted(needed))}" if needed else
                                  f"it hands {', '.join(sorted(exposed))} to a function of the notebook, and "
                                  "later cells can reach it")
            if run[i]:
                later |= facts[i].reads | cells[i].extra_reads
        if not changed:
            return Plan(run, reasons)


def _closure(names: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(names), list(names)
    while todo:
        for other in edges.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen
