"""Honest solutions of six exercises, written step by step in many hand-written ways.

Each exercise is a sequence of steps (convert the input, check it, compute, return); each step
has several hand-written alternatives, some of them wrong as students get them wrong. A student
is one choice per step and one choice of names (``{img}``, ``{out}``...), drawn with a seeded
random generator, so two honest students share a step only as often as real ones would write
the same canonical line. Alternatives of a step may use the names of earlier steps only.
"""

from __future__ import annotations

import random
import re

#: Names a student may give each role (placeholders in the fragments).
NAMES = {
    "img": ["image", "img", "arr", "x", "im", "picture", "a"],
    "ker": ["kernel", "k", "filt", "w", "kern"],
    "out": ["out", "result", "res", "output", "pooled", "y", "ret"],
    "h": ["h", "height", "rows", "n_rows", "H", "nr"],
    "w": ["w", "width", "cols", "n_cols", "W", "nc"],
    "i": ["i", "r", "row", "y0", "ii"],
    "j": ["j", "c", "col", "x0", "jj"],
    "t": ["total", "acc", "s", "value", "tmp"],
}

EXERCISES: dict[str, tuple[str, list[list[str]]]] = {}

EXERCISES["image_distance"] = ("def image_distance(a, b):", [
    [  # convert
        "a = np.asarray(a, dtype=float)\nb = np.asarray(b, dtype=float)",
        "a, b = np.asarray(a), np.asarray(b)",
        "a = np.array(a, dtype=np.float64)\nb = np.array(b, dtype=np.float64)",
        "",
        "a = np.asarray(a).astype(np.float64)\nb = np.asarray(b).astype(np.float64)",
    ],
    [  # check
        "if a.shape != b.shape:\n    raise ValueError(\"shapes differ\")",
        "if np.shape(a) != np.shape(b):\n    raise ValueError(f\"different shapes: {np.shape(a)} vs {np.shape(b)}\")",
        "if not a.shape == b.shape:\n    raise ValueError('a and b must have the same shape')",
        "assert a.shape == b.shape, 'shape mismatch'",
        "if a.size != b.size:\n    raise ValueError('sizes differ')",
        "",
    ],
    [  # compute
        "d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)\nreturn float(np.sqrt(np.sum(d ** 2)))",
        "return float(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float)))",
        "diff = (np.asarray(a, dtype=float) - np.asarray(b, dtype=float)).ravel()\nreturn float(np.sqrt(diff @ diff))",
        "{t} = 0.0\nfor p, q in zip(np.ravel(a), np.ravel(b)):\n    {t} += (float(p) - float(q)) ** 2\nreturn {t} ** 0.5",
        "return float(np.sqrt(((np.asarray(a, float) - np.asarray(b, float)) ** 2).sum()))",
        "return float(cv2.norm(np.asarray(a, np.float64), np.asarray(b, np.float64), cv2.NORM_L2))",
        "sq = np.square(np.subtract(a, b, dtype=float))\nreturn math.sqrt(float(sq.sum()))",
        "return float(np.sqrt(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2)))",
        "{t} = 0.0\nfor {i} in range(np.shape(a)[0]):\n    for {j} in range(np.shape(a)[1]):\n"
        "        {t} = {t} + (a[{i}][{j}] - b[{i}][{j}]) * (a[{i}][{j}] - b[{i}][{j}])\nreturn float(np.sqrt({t}))",
        "return float(np.sum(np.abs(np.asarray(a, float) - np.asarray(b, float))))",
        "return float(np.linalg.norm((np.asarray(a) - np.asarray(b)).flatten().astype(float), ord=2))",
        "return float(np.hypot.reduce(np.asarray(a, float).ravel() - np.asarray(b, float).ravel()))",
    ],
])

EXERCISES["brightest_pixel"] = ("def brightest_pixel(image):", [
    [
        "{img} = np.asarray(image)",
        "{img} = np.array(image, dtype=float)",
        "{img} = image",
        "{img} = np.asarray(image, dtype=np.float64)",
    ],
    [
        "if {img}.ndim != 2:\n    raise ValueError('image must be 2-D')",
        "if np.ndim({img}) != 2 or np.size({img}) == 0:\n    raise ValueError(f'need a non-empty 2-D image, got shape {np.shape({img})}')",
        "",
        "assert {img}.ndim == 2",
        "if len({img}.shape) != 2:\n    raise ValueError('expected a 2D array')",
    ],
    [
        "{i}, {j} = np.unravel_index(np.argmax({img}), {img}.shape)\nreturn (int({i}), int({j}))",
        "flat = int(np.argmax({img}))\nreturn flat // {img}.shape[1], flat % {img}.shape[1]",
        "return divmod(int({img}.argmax()), {img}.shape[1])",
        "best = None\nfor {i} in range({img}.shape[0]):\n    for {j} in range({img}.shape[1]):\n"
        "        if best is None or {img}[{i}, {j}] > {img}[best]:\n            best = ({i}, {j})\nreturn best",
        "where = np.argwhere({img} == {img}.max())\nreturn int(where[0][0]), int(where[0][1])",
        "m = np.max({img})\nfor {i}, line in enumerate({img}):\n    for {j}, v in enumerate(line):\n"
        "        if v == m:\n            return {i}, {j}",
        "_, _, _, loc = cv2.minMaxLoc(np.asarray({img}, np.float64))\nreturn loc[1], loc[0]",
        "idx = np.unravel_index({img}.argmax(), {img}.shape)\nreturn tuple(int(v) for v in idx)",
        "{i}, {j} = np.unravel_index(np.argmax({img}), {img}.shape)\nreturn {i}, {j}",
        "rows = {img}.max(axis=1)\n{i} = int(np.argmax(rows))\nreturn {i}, int(np.argmax({img}[{i}]))",
        "{i}, {j} = np.where({img} == np.max({img}))\nreturn int({i}[-1]), int({j}[-1])",
        "order = np.argsort({img}, axis=None, kind='stable')\nflat = int(order[-1])\n"
        "return (flat // {img}.shape[1], flat % {img}.shape[1])",
    ],
])

EXERCISES["conv_output_size"] = ("def conv_output_size(size, kernel, padding=0, stride=1):", [
    [
        "for name, value in (('size', size), ('kernel', kernel), ('padding', padding), ('stride', stride)):\n"
        "    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):\n"
        "        raise TypeError(f'{name} must be an integer')",
        "args = [size, kernel, padding, stride]\nif any(type(v) is bool or not isinstance(v, (int, np.integer)) for v in args):\n"
        "    raise TypeError('all arguments must be integers')",
        "",
        "for v in (size, kernel, padding, stride):\n    if not isinstance(v, (int, np.integer)):\n        raise TypeError('integers only')",
        "if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in (size, kernel, padding, stride)):\n"
        "    raise TypeError('size, kernel, padding and stride must be ints')",
    ],
    [
        "if size < 1 or kernel < 1 or padding < 0 or stride < 1:\n    raise ValueError('bad sizes')",
        "if min(size, kernel, stride) < 1 or padding < 0:\n    raise ValueError('size, kernel and stride must be >= 1 and padding >= 0')",
        "if size <= 0:\n    raise ValueError('size')\nif kernel <= 0:\n    raise ValueError('kernel')\n"
        "if padding < 0:\n    raise ValueError('padding')\nif stride <= 0:\n    raise ValueError('stride')",
        "",
        "assert size >= 1 and kernel >= 1 and stride >= 1 and padding >= 0",
    ],
    [
        "if kernel > size + 2 * padding:\n    raise ValueError('the kernel does not fit')",
        "padded = size + 2 * padding\nif kernel > padded:\n    raise ValueError(f'kernel {kernel} larger than the padded input {padded}')",
        "",
        "if size + padding * 2 - kernel < 0:\n    raise ValueError('kernel too large')",
    ],
    [
        "return (size + 2 * padding - kernel) // stride + 1",
        "return int((size + 2 * padding - kernel) // stride + 1)",
        "n = size + 2 * padding - kernel\nreturn n // stride + 1",
        "count = 0\nstart = 0\nwhile start + kernel <= size + 2 * padding:\n    count += 1\n    start += stride\nreturn count",
        "return int(math.floor((size + 2 * padding - kernel) / stride)) + 1",
        "return len(range(0, size + 2 * padding - kernel + 1, stride))",
        "return int(np.floor_divide(size + 2 * padding - kernel, stride)) + 1",
        "return math.ceil((size + 2 * padding - kernel) / stride) + 1",
        "return (size + 2 * padding - kernel) / stride + 1",
        "span = size - kernel + 2 * padding\nreturn int(span / stride) + 1",
    ],
])

EXERCISES["cosine_similarity"] = ("def cosine_similarity(a, b):", [
    [
        "a = np.asarray(a, dtype=float).ravel()\nb = np.asarray(b, dtype=float).ravel()",
        "a, b = np.asarray(a, float), np.asarray(b, float)",
        "a = np.array(a, dtype=np.float64)\nb = np.array(b, dtype=np.float64)",
        "",
    ],
    [
        "if np.shape(a) != np.shape(b):\n    raise ValueError('shapes differ')",
        "if a.shape != b.shape:\n    raise ValueError(f'different shapes {a.shape} and {b.shape}')",
        "assert np.shape(a) == np.shape(b), 'same shape needed'",
        "if len(np.ravel(a)) != len(np.ravel(b)):\n    raise ValueError('lengths differ')",
    ],
    [
        "u, v = np.ravel(a).astype(float), np.ravel(b).astype(float)\nnu, nv = np.linalg.norm(u), np.linalg.norm(v)\n"
        "if nu == 0 or nv == 0:\n    return 0.0\nreturn float(np.dot(u, v) / (nu * nv))",
        "u = np.asarray(a, float).flatten()\nv = np.asarray(b, float).flatten()\ndenominator = np.sqrt(np.sum(u * u)) * np.sqrt(np.sum(v * v))\n"
        "if denominator == 0:\n    return 0.0\nreturn float(np.clip(np.sum(u * v) / denominator, -1.0, 1.0))",
        "dot = 0.0\nsa = 0.0\nsb = 0.0\nfor p, q in zip(np.ravel(a), np.ravel(b)):\n    dot += p * q\n    sa += p * p\n    sb += q * q\n"
        "if sa == 0 or sb == 0:\n    return 0.0\nreturn float(dot / math.sqrt(sa * sb))",
        "na = np.linalg.norm(a)\nnb = np.linalg.norm(b)\nif not na or not nb:\n    return 0.0\nreturn float(np.vdot(a, b) / na / nb)",
        "u, v = np.ravel(a), np.ravel(b)\nif not u.any() or not v.any():\n    return 0.0\n"
        "return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))",
        "flat_a = np.asarray(a, dtype=float).reshape(-1)\nflat_b = np.asarray(b, dtype=float).reshape(-1)\n"
        "norms = np.linalg.norm(flat_a) * np.linalg.norm(flat_b)\nreturn 0.0 if norms == 0 else float(flat_a.dot(flat_b) / norms)",
        "u, v = np.ravel(a), np.ravel(b)\nreturn float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-12))",
        "num = float(np.sum(np.multiply(a, b)))\nden = float(np.sqrt(np.sum(np.square(a))) * np.sqrt(np.sum(np.square(b))))\n"
        "if den == 0.0:\n    return 0.0\nreturn min(1.0, max(-1.0, num / den))",
        "u, v = np.ravel(a), np.ravel(b)\nreturn float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))",
        "if np.all(a == 0) or np.all(b == 0):\n    return 0.0\nsim = np.sum(a * b) / (np.sqrt((a ** 2).sum()) * np.sqrt((b ** 2).sum()))\nreturn float(sim)",
    ],
])

EXERCISES["max_pool2d"] = ("def max_pool2d(image, size=2):", [
    [
        "{img} = np.asarray(image, dtype=float)",
        "{img} = np.asarray(image)",
        "{img} = np.array(image, dtype=np.float64)",
        "{img} = image.astype(float)",
    ],
    [
        "if {img}.ndim != 2:\n    raise ValueError('image must be 2-D')",
        "",
        "if len({img}.shape) != 2:\n    raise ValueError(f'expected a 2-D image, got shape {{img}.shape}')",
        "assert {img}.ndim == 2, 'need 2D'",
    ],
    [
        "if not isinstance(size, (int, np.integer)) or size < 1:\n    raise ValueError('size must be a positive integer')",
        "if size <= 0:\n    raise ValueError('size must be positive')",
        "",
        "if isinstance(size, bool) or not isinstance(size, (int, np.integer)):\n    raise TypeError('size must be an int')\n"
        "if size < 1:\n    raise ValueError('size must be at least 1')",
    ],
    [
        "{h}, {w} = {img}.shape[0] // size, {img}.shape[1] // size\nif {h} == 0 or {w} == 0:\n    raise ValueError('image smaller than the window')",
        "if {img}.shape[0] < size or {img}.shape[1] < size:\n    raise ValueError('the image is smaller than the window')\n"
        "{h} = {img}.shape[0] // size\n{w} = {img}.shape[1] // size",
        "{h} = len({img}) // size\n{w} = len({img}[0]) // size\nif min({h}, {w}) < 1:\n    raise ValueError('window too big')",
        "{h}, {w} = ({img}.shape[0] // size, {img}.shape[1] // size)",
    ],
    [
        "{out} = np.zeros(({h}, {w}))\nfor {i} in range({h}):\n    for {j} in range({w}):\n"
        "        {out}[{i}, {j}] = {img}[{i} * size:({i} + 1) * size, {j} * size:({j} + 1) * size].max()\nreturn {out}",
        "blocks = {img}[:{h} * size, :{w} * size].reshape({h}, size, {w}, size)\nreturn blocks.max(axis=(1, 3)).astype(float)",
        "{out} = np.full(({h}, {w}), -np.inf)\nfor u in range(size):\n    for v in range(size):\n"
        "        {out} = np.maximum({out}, {img}[u:{h} * size:size, v:{w} * size:size])\nreturn {out}",
        "windows = np.lib.stride_tricks.sliding_window_view({img}, (size, size))[::size, ::size]\n"
        "return windows.max(axis=(2, 3))[:{h}, :{w}].astype(float)",
        "{out} = []\nfor {i} in range(0, {h} * size, size):\n    line = []\n    for {j} in range(0, {w} * size, size):\n"
        "        line.append(np.max({img}[{i}:{i} + size, {j}:{j} + size]))\n    {out}.append(line)\nreturn np.array({out}, dtype=float)",
        "{out} = np.empty(({h}, {w}), dtype=float)\nfor {i} in range({h}):\n    for {j} in range({w}):\n        best = -np.inf\n"
        "        for u in range(size):\n            for v in range(size):\n"
        "                best = max(best, {img}[{i} * size + u, {j} * size + v])\n        {out}[{i}, {j}] = best\nreturn {out}",
        "cropped = {img}[:{h} * size, :{w} * size]\n{out} = cv2.dilate(cropped, np.ones((size, size)), anchor=(0, 0))\n"
        "return {out}[::size, ::size].astype(float)",
        "return np.array([[{img}[{i}:{i} + size, {j}:{j} + size].max() for {j} in range(0, {w} * size, size)]"
        " for {i} in range(0, {h} * size, size)], dtype=float)",
        "{out} = np.zeros(({h}, {w}))\nfor {i} in range({h}):\n    for {j} in range({w}):\n"
        "        {out}[{i}, {j}] = np.mean({img}[{i} * size:({i} + 1) * size, {j} * size:({j} + 1) * size])\nreturn {out}",
        "rows = {img}[:{h} * size].reshape({h}, size, -1).max(axis=1)\nreturn rows[:, :{w} * size].reshape({h}, {w}, size).max(axis=2)",
        "{out} = np.zeros(({h}, {w}))\nfor ({i}, {j}), _ in np.ndenumerate({out}):\n"
        "    {out}[{i}, {j}] = np.amax({img}[size * {i}:size * {i} + size, size * {j}:size * {j} + size])\nreturn {out}",
    ],
])

EXERCISES["correlate2d"] = ("def correlate2d(image, kernel, padding=\"valid\"):", [
    [
        "{img} = np.asarray(image, dtype=float)\n{ker} = np.asarray(kernel, dtype=float)",
        "{img}, {ker} = np.asarray(image), np.asarray(kernel)",
        "{img} = np.array(image, dtype=np.float64)\n{ker} = np.array(kernel, dtype=np.float64)",
        "{img} = image.astype(float)\n{ker} = kernel.astype(float)",
    ],
    [
        "if {img}.ndim != 2 or {ker}.ndim != 2:\n    raise ValueError('image and kernel must be 2-D')",
        "",
        "if len({img}.shape) != 2:\n    raise ValueError('image must be 2D')\nif len({ker}.shape) != 2:\n    raise ValueError('kernel must be 2D')",
        "assert {img}.ndim == 2 and {ker}.ndim == 2",
    ],
    [
        "if padding not in ('valid', 'same', 'wrap'):\n    raise ValueError(f'unknown padding {padding!r}')",
        "if padding not in {'valid', 'same', 'wrap'}:\n    raise ValueError('padding must be valid, same or wrap')",
        "",
    ],
    [  # pad, then everything is "valid"
        "kh, kw = {ker}.shape\nif padding != 'valid':\n    if kh % 2 == 0 or kw % 2 == 0:\n        raise ValueError('odd kernel sizes needed')\n"
        "    mode = 'constant' if padding == 'same' else 'wrap'\n    {img} = np.pad({img}, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode=mode)",
        "kh, kw = {ker}.shape\nif padding == 'same':\n    if not (kh % 2 and kw % 2):\n        raise ValueError('same padding needs an odd kernel')\n"
        "    {img} = np.pad({img}, [(kh // 2,) * 2, (kw // 2,) * 2])\nelif padding == 'wrap':\n"
        "    if not (kh % 2 and kw % 2):\n        raise ValueError('wrap padding needs an odd kernel')\n"
        "    {img} = np.pad({img}, [(kh // 2,) * 2, (kw // 2,) * 2], mode='wrap')",
        "kh = {ker}.shape[0]\nkw = {ker}.shape[1]\nph, pw = kh // 2, kw // 2\nif padding in ('same', 'wrap'):\n"
        "    if kh % 2 != 1 or kw % 2 != 1:\n        raise ValueError('kernel sizes must be odd')\n"
        "    {img} = np.pad({img}, ((ph, ph), (pw, pw)), mode='constant' if padding == 'same' else 'wrap')",
        "kh, kw = {ker}.shape\nif padding != 'valid':\n    {img} = np.pad({img}, ((kh // 2, kh // 2), (kw // 2, kw // 2)), "
        "mode={'same': 'constant', 'wrap': 'wrap'}[padding])",
    ],
    [
        "if kh > {img}.shape[0] or kw > {img}.shape[1]:\n    raise ValueError('kernel larger than image')",
        "{h}, {w} = {img}.shape\nif {h} < kh or {w} < kw:\n    raise ValueError('the kernel does not fit in the image')",
        "",
        "if {ker}.shape[0] > {img}.shape[0] or {ker}.shape[1] > {img}.shape[1]:\n    raise ValueError(\"kernel bigger than image\")",
    ],
    [
        "{h} = {img}.shape[0] - kh + 1\n{w} = {img}.shape[1] - kw + 1\n{out} = np.zeros(({h}, {w}))\nfor {i} in range({h}):\n"
        "    for {j} in range({w}):\n        {out}[{i}, {j}] = np.sum({img}[{i}:{i} + kh, {j}:{j} + kw] * {ker})\nreturn {out}",
        "windows = np.lib.stride_tricks.sliding_window_view({img}, (kh, kw))\nreturn np.einsum('ijkl,kl->ij', windows, {ker})",
        "{out} = np.zeros(({img}.shape[0] - kh + 1, {img}.shape[1] - kw + 1))\nfor u in range(kh):\n    for v in range(kw):\n"
        "        {out} += {ker}[u, v] * {img}[u:u + {out}.shape[0], v:v + {out}.shape[1]]\nreturn {out}",
        "{out} = np.zeros(({img}.shape[0] - kh + 1, {img}.shape[1] - kw + 1))\nfor {i} in range({out}.shape[0]):\n"
        "    for {j} in range({out}.shape[1]):\n        {t} = 0.0\n        for u in range(kh):\n            for v in range(kw):\n"
        "                {t} += {img}[{i} + u, {j} + v] * {ker}[u, v]\n        {out}[{i}, {j}] = {t}\nreturn {out}",
        "full = cv2.filter2D({img}.astype(np.float64), -1, {ker}.astype(np.float64), anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)\n"
        "return full[:{img}.shape[0] - kh + 1, :{img}.shape[1] - kw + 1]",
        "rows = []\nfor {i} in range({img}.shape[0] - kh + 1):\n    rows.append([float(({img}[{i}:{i} + kh, {j}:{j} + kw] * {ker}).sum())"
        " for {j} in range({img}.shape[1] - kw + 1)])\nreturn np.array(rows)",
        "windows = np.lib.stride_tricks.sliding_window_view({img}, {ker}.shape)\nreturn np.tensordot(windows, {ker}, axes=((2, 3), (0, 1)))",
        "{out} = np.empty(({img}.shape[0] - kh + 1, {img}.shape[1] - kw + 1), dtype=float)\nfor ({i}, {j}), _ in np.ndenumerate({out}):\n"
        "    {out}[{i}, {j}] = ({img}[{i}:{i} + kh, {j}:{j} + kw] * {ker}).sum()\nreturn {out}",
        "{ker} = {ker}[::-1, ::-1]\n{out} = np.zeros(({img}.shape[0] - kh + 1, {img}.shape[1] - kw + 1))\nfor {i} in range({out}.shape[0]):\n"
        "    for {j} in range({out}.shape[1]):\n        {out}[{i}, {j}] = np.sum({img}[{i}:{i} + kh, {j}:{j} + kw] * {ker})\nreturn {out}",
        "flat = np.array([{img}[{i}:{i} + kh, {j}:{j} + kw].ravel() for {i} in range({img}.shape[0] - kh + 1)"
        " for {j} in range({img}.shape[1] - kw + 1)])\nreturn (flat @ {ker}.ravel()).reshape({img}.shape[0] - kh + 1, -1)",
    ],
])

_PLACEHOLDER = re.compile(r"\{(img|ker|out|h|w|i|j|t)\}")
_COMMENTS = ["# convert to arrays first", "# check the input", "# main computation", "# TODO tidy this up",
             "# as in the lecture", "# edge case", "# this took me a while", "# returns a new array",
             "# see the numpy docs", "# loop version, slow but clear", "# make sure it is float"]
_IMPORTS = {"math": "import math\n", "cv2": "import cv2\n", "numbers": "import numbers\n"}


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def student(exercise: str, seed: int) -> str:
    """One honest solution of ``exercise``: the cell as student number ``seed`` would write it."""
    header, steps = EXERCISES[exercise]
    rng = random.Random(f"{exercise}/{seed}")
    names = {role: rng.choice(pool) for role, pool in NAMES.items()}
    while len(set(names.values())) < len(names):   # two roles never share a name
        names = {role: rng.choice(pool) for role, pool in NAMES.items()}
    body = []
    for step in steps:
        fragment = _PLACEHOLDER.sub(lambda m: names[m.group(1)], rng.choice(step))
        if fragment and rng.random() < 0.3:
            fragment = rng.choice(_COMMENTS) + "\n" + fragment
        if fragment:
            body.append(fragment)
    code = "\n".join(body)
    imports = "".join(line for module, line in _IMPORTS.items() if f"{module}." in code)
    return f"{imports}{header}\n{_indent(code)}\n"


def honest_class(exercise: str, count: int) -> list[str]:
    """``count`` different honest solutions (seeds 0, 1, ...; duplicates skipped)."""
    found: list[str] = []
    seed = 0
    while len(found) < count:
        code = student(exercise, seed)
        compile(code, exercise, "exec")
        if code not in found:
            found.append(code)
        seed += 1
    return found


#: One written question (notebook 3's kind): each point of an answer in several hand-written
#: wordings; ``{ref}`` is a figure of the reference run (every honest student may quote it),
#: ``{own}`` one the student measured.
QUESTION = ("Is max pooling invariant to translation? Use your measurements of the pooled camera image "
            "(relative change for shifts of 1 and 8 pixels) to explain.")
REFERENCE_NUMBERS = ("16", "17", "38", "54", "4096")
ANSWER_POINTS = [
    [
        "Max pooling keeps only the largest value of each window.",
        "Each output pixel of max pooling is the maximum over a small block of the input.",
        "Pooling summarises every 2 x 2 block by its brightest value.",
        "A max pooling layer takes a window, keeps the maximum and throws the rest away.",
        "What pooling does is replace a neighbourhood by its maximum.",
        "",
    ],
    [
        "If the shift is smaller than the window the maximum often stays in the same block, so nothing changes.",
        "A small shift usually moves the bright pixel inside its own window and the output does not move.",
        "Moving the image by less than a window leaves many outputs unchanged, which looks like invariance.",
        "For tiny shifts the same maximum is still found in the same cell most of the time.",
        "Inside one window the position of the maximum does not matter at all.",
    ],
    [
        "But when the shift crosses a window border the maximum jumps to the neighbouring cell, so the output changes.",
        "As soon as content crosses the edge of a block, a different value wins and the result changes: this is aliasing.",
        "Shifts that are not multiples of the window size mix different pixels into each block, so it is not exact.",
        "The grid of windows is fixed, so the shifted image is cut differently and the pooled maps disagree.",
        "It breaks whenever a feature moves from one pooling cell to the next one.",
    ],
    [
        "In my measurement a 1 pixel shift changed the output by {ref} % and a shift of 8 pixels by {own} %.",
        "I measured a relative change of {own} % for one pixel, and about {ref} % for the larger shift.",
        "The heatmap shows {ref} % change already at a shift of one pixel.",
        "With three levels the change was {own} % for (1, 1) and {own2} % for (8, 8).",
        "Numbers: {own} % at 1 px, {own2} % at 8 px.",
        "",
    ],
    [
        "So max pooling is only approximately invariant, and more levels make a fixed shift matter less.",
        "Global max pooling would be exactly invariant, but it throws away all position information.",
        "Blurring before subsampling (anti-aliased pooling) would make it more stable.",
        "In short it gives some robustness to small shifts but no real invariance.",
        "Therefore the invariance of CNNs is approximate and grows with depth.",
        "",
    ],
]


def written_answer(seed: int) -> str:
    """One honest student's written answer to :data:`QUESTION`."""
    rng = random.Random(f"written/{seed}")
    sentences = []
    for point in ANSWER_POINTS:
        sentence = rng.choice(point)
        if sentence:
            sentences.append(sentence.format(ref=rng.choice(REFERENCE_NUMBERS), own=f"{rng.uniform(3, 60):.1f}",
                                             own2=f"{rng.uniform(20, 80):.0f}"))
    return " ".join(sentences)


def written_class(count: int) -> list[str]:
    """``count`` different honest written answers."""
    found: list[str] = []
    seed = 0
    while len(found) < count:
        answer = written_answer(seed)
        if answer not in found:
            found.append(answer)
        seed += 1
    return found
