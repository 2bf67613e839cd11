"""How well and how fast ``python -m autograder similarity`` tells copies from honest work.

Quality, per exercise (``bench/similarity_corpus/``): 36 honest solutions composed from
hand-written alternatives of each step, and copies of the first 12, disguised one way each
(a disguise that changes nothing on a solution is left out and counted), with the released
notebook given out. Printed per exercise
and disguise: recall of copies at a false-positive rate of 1 % of honest pairs (the threshold
is the 99th percentile of honest pairs, a copy must score above it), ROC-AUC (copies against
honest pairs), and at the default thresholds: honest pairs flagged and copies flagged by this
exercise alone (the command also flags on the whole assignment's pooled figures). Each
disguise is measured in a class of its own (the honest solutions and that disguise's copies),
so that each copied solution has one copy, as in a real class. The
disguises ``rename``, ``comments`` and ``deadcode`` were used to tune; the others were not.

copydetect (PyPI, optional: ``pip install copydetect==0.5.0``) is measured on the same pairs,
with its defaults (noise 25, guarantee 30 characters) and with the stub as boilerplate and the
smallest thresholds that work on three-line answers (noise 5, guarantee 9), similarity the larger
of its two overlap fractions.

A written answer is measured the same way: 36 honest answers composed from hand-written
wordings of each point (quoting the reference run's figures or their own), copies reworded with
synonyms (tuned), their sentences shuffled or padded with filler sentences (held out).

Speed: ``--students N`` (default 500) students x the course's five notebooks of realistic
diversity (each solution cell one of the corpus's honest solutions or the reference solution
renamed, written answers from a word pool), written to a scratch course, then
``python -m autograder similarity`` timed as a command (wall time, CPU, peak memory).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from autograder import course, demo, notebooks, similarity  # noqa: E402
from similarity_corpus import disguise, honest  # noqa: E402

HONEST, COPIED = 36, 12


def stub(exercise: str) -> tuple[str, list[str]]:
    """The released cell of ``exercise`` and every code cell of its notebook."""
    for path in sorted((ROOT / course.RELEASE).glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if course.nbgrader_meta(cell).get("grade_id") == exercise:
                return cell.source, [c.source for c in nb.cells if c.cell_type == "code"]
    raise KeyError(exercise)


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """ROC-AUC (Mann-Whitney, ties count a half)."""
    if positive.size == 0 or negative.size == 0:
        return float("nan")
    greater = (positive[:, None] > negative[None, :]).sum()
    ties = (positive[:, None] == negative[None, :]).sum()
    return float((greater + 0.5 * ties) / (positive.size * negative.size))


def recall_at(positive: np.ndarray, negative: np.ndarray, fpr: float = 0.01) -> float:
    threshold = np.quantile(negative, 1 - fpr, method="higher")
    return float((positive > threshold).mean()) if positive.size else float("nan")


def corpus(exercise: str) -> tuple[list[str], dict[str, list[tuple[int, str]]], dict[str, int]]:
    solutions = honest.honest_class(exercise, HONEST)
    copies: dict[str, list[tuple[int, str]]] = {}
    unchanged: dict[str, int] = {}
    for kind in disguise.KINDS:
        copies[kind], unchanged[kind] = [], 0
        for index in range(COPIED):
            copy = disguise.disguise(solutions[index], kind, index)
            if copy == solutions[index]:
                unchanged[kind] += 1
            else:
                copies[kind].append((index, copy))
    return solutions, copies, unchanged


def ours(sources: list[str], given: str, notebook_code: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Similarity, score and the default flags (this exercise alone) of every pair."""
    base = similarity.base_prints([given, *notebook_code], "code")
    answers = [similarity.fingerprint(s, "code", base) for s in sources]
    pairs = similarity.compare(answers)
    value = pairs.similarity
    score = similarity.calibrate(value, pairs.answered)
    sizes = np.array([len(a.prints) for a in answers])
    return value, score, similarity.flags(value, score, sizes)


def copydetect_matrix(sources: list[str], given: str, noise: int, guarantee: int, boiler: bool) -> np.ndarray | None:
    try:
        import copydetect
    except ImportError:
        return None
    boilerplate = None
    if boiler:
        boilerplate = np.unique(np.array(list(copydetect.CodeFingerprint("given.py", noise, 1, fp=io.StringIO(given)).hashes)))
    prints = [copydetect.CodeFingerprint("s.py", noise, guarantee - noise + 1, boilerplate=boilerplate,
                                         fp=io.StringIO(s)) for s in sources]
    n = len(sources)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            _, (a, b), _ = copydetect.compare_files(prints[i], prints[j])
            out[i, j] = out[j, i] = max(a, b)
    return out


def quality(settings: similarity.Settings, with_copydetect: bool) -> None:
    rows = []
    print("| exercise | disguise | copies (unchanged) | recall @1% FPR | ROC-AUC | flagged alone (defaults) | copydetect AUC default / tuned | copydetect recall tuned |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for exercise in honest.EXERCISES:
        solutions, copies, unchanged = corpus(exercise)
        given, notebook_code = stub(exercise)
        upper = np.triu_indices(HONEST, k=1)
        honest_flags = []
        for kind in disguise.KINDS:
            # one class per disguise: the honest students and this disguise's copies (a copy ring
            # of two, as in a real class, not one original copied seven ways)
            sources = list(solutions) + [copy for _, copy in copies[kind]]
            index = (np.array([o for o, _ in copies[kind]], dtype=int),
                     np.arange(HONEST, HONEST + len(copies[kind]), dtype=int))
            value, score, flagged = ours(sources, given, notebook_code)
            negative = value[:HONEST, :HONEST][upper]
            honest_flags.append(int(flagged[:HONEST, :HONEST][upper].sum()))
            positive = value[index]
            line = (f"| {exercise} | {kind}{'' if kind in disguise.TUNED else ' (held out)'} | {len(positive)} "
                    f"({unchanged[kind]}) | {recall_at(positive, negative):.0%} | {auc(positive, negative):.3f} | "
                    f"{int(flagged[index].sum())}/{len(positive)} |")
            others = {}
            if with_copydetect:
                for name, args in (("default", (25, 30, False)), ("tuned", (5, 9, True))):
                    matrix = copydetect_matrix(sources, given, *args)
                    if matrix is not None:
                        others[name] = matrix
            if others:
                aucs = [auc(m[index], m[:HONEST, :HONEST][upper]) for m in others.values()]
                line += " " + " / ".join(f"{a:.3f}" for a in aucs) + " |"
                tuned = others.get("tuned")
                line += f" {recall_at(tuned[index], tuned[:HONEST, :HONEST][upper]):.0%} |" if tuned is not None else " |"
            else:
                line += " not measured | |"
            print(line)
            rows.append((exercise, kind, recall_at(positive, negative), auc(positive, negative)))
        print(f"| {exercise} | honest pairs flagged at the defaults (most of the {len(disguise.KINDS)} classes) | | | | "
              f"{max(honest_flags)}/{len(upper[0])} | | |")
    rows += written(settings)
    assignment_level(settings)
    for group, kinds in (("tuned", disguise.TUNED + disguise.TEXT_TUNED),
                         ("held out", disguise.HELD_OUT + disguise.TEXT_HELD_OUT)):
        chosen = [r for r in rows if r[1] in kinds and not np.isnan(r[2])]
        print(f"\nmean over exercises, {group} disguises: recall {np.mean([r[2] for r in chosen]):.1%}, "
              f"ROC-AUC {np.mean([r[3] for r in chosen]):.3f}")


def written(settings: similarity.Settings) -> list[tuple[str, str, float, float]]:
    """The written answer: 36 honest answers, copies of the first 12 reworded, shuffled or padded;
    the question and the reference run's figures given out."""
    solutions = honest.written_class(HONEST)
    base = similarity.base_prints([honest.QUESTION], "text", settings) | similarity.base_prints(
        [" ".join(honest.REFERENCE_NUMBERS)], "numbers", settings)
    upper = np.triu_indices(HONEST, k=1)
    rows = []
    for kind in disguise.TEXT_TUNED + disguise.TEXT_HELD_OUT:
        copies = [disguise.disguise_text(solutions[i], kind, i) for i in range(COPIED)]
        answers = [similarity.fingerprint(s, "text", base, settings) for s in solutions + copies]
        pairs = similarity.compare(answers, settings)
        value = pairs.similarity
        score = similarity.calibrate(value, pairs.answered, settings)
        sizes = np.array([len(a.prints) for a in answers])
        flagged = similarity.flags(value, score, sizes, settings)
        index = (np.arange(COPIED), np.arange(HONEST, HONEST + COPIED))
        negative, positive = value[:HONEST, :HONEST][upper], value[index]
        print(f"| written answer | {kind}{'' if kind in disguise.TEXT_TUNED else ' (held out)'} | {COPIED} (0) | "
              f"{recall_at(positive, negative):.0%} | {auc(positive, negative):.3f} | {int(flagged[index].sum())}/{COPIED} "
              f"| not applicable | |")
        rows.append(("written answer", kind, recall_at(positive, negative), auc(positive, negative)))
    print(f"| written answer | honest pairs flagged at the defaults | | | | "
          f"{int(flagged[:HONEST, :HONEST][upper].sum())}/{len(upper[0])} | | |")
    return rows


def assignment_level(settings: similarity.Settings) -> None:
    """The six exercises as one assignment: honest student i hands in honest solution i of each
    (independent choices), a copier copies all six of one classmate with one disguise; figures
    pooled over the exercises as the command pools them, flags at the default thresholds."""
    print("\n| assignment of all six exercises | copies | recall @1% FPR | ROC-AUC | honest pairs flagged | copies flagged |")
    print("|---|---:|---:|---:|---:|---:|")
    data = {exercise: (corpus(exercise), stub(exercise)) for exercise in honest.EXERCISES}
    upper = np.triu_indices(HONEST, k=1)
    for kind in disguise.KINDS:
        originals = list(range(COPIED))   # an exercise the disguise does not change is copied as it is
        total = None
        for exercise, ((solutions, copies, _), (given, notebook_code)) in data.items():
            base = similarity.base_prints([given, *notebook_code], "code")
            made = dict(copies[kind])
            sources = list(solutions) + [made.get(o, solutions[o]) for o in originals]
            pairs = similarity.compare([similarity.fingerprint(s, "code", base) for s in sources], settings)
            total = pairs if total is None else total + pairs
        value = total.similarity
        score = similarity.calibrate(value, total.answered, settings)
        flagged = similarity.flags(value, score, settings=settings)
        index = (np.array(originals, dtype=int), np.arange(HONEST, HONEST + len(originals), dtype=int))
        negative, positive = value[:HONEST, :HONEST][upper], value[index]
        print(f"| {kind}{'' if kind in disguise.TUNED else ' (held out)'} | {len(originals)} | "
              f"{recall_at(positive, negative):.0%} | {auc(positive, negative):.3f} | "
              f"{int(flagged[:HONEST, :HONEST][upper].sum())}/{len(negative)} | {int(flagged[index].sum())}/{len(positive)} |")
        print(f"<!-- {kind}: honest top similarity {np.sort(negative)[-3:].round(3)}, score "
              f"{np.sort(score[:HONEST, :HONEST][upper])[-3:].round(3)}; copies similarity {np.sort(positive)[:3].round(3)}, "
              f"score {np.sort(score[index])[:3].round(3)} -->")


# --- speed -----------------------------------------------------------------------------------

_WORDS = ("the shift moves every pixel so the distance grows although the picture looks the same to a person "
          "because pooling keeps the maximum of each window the response moves with the edge and the border "
          "breaks it a little where zero padding leaks the position of the object into the features").split()


def _answer(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(2, 6)):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words)), f"{rng.uniform(0, 100):.{rng.randint(0, 3)}f}")
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def build_class(target: Path, students: int) -> None:
    """A scratch course at ``target`` with ``students`` students handing in every notebook."""
    demo.copy_course(ROOT, target)
    pools = {ex: honest.honest_class(ex, 60) for ex in honest.EXERCISES}
    released = {a: (p, nbformat.read(p, as_version=4)) for a in course.assignments(target)
                for p in [target / course.RELEASE / a / f"{a}.ipynb"]}
    reference = {}
    for assignment in released:
        nb = nbformat.read(target / course.SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
        for cell in nb.cells:
            meta = course.nbgrader_meta(cell)
            if meta.get("solution") and cell.cell_type == "code":
                reference[(assignment, meta["grade_id"])] = "\n".join(
                    line for line in cell.source.splitlines() if "### " not in line)
    for number in range(students):
        rng = random.Random(number)
        for assignment, (path, template) in released.items():
            nb = nbformat.from_dict(template)
            for cell in nb.cells:
                meta = course.nbgrader_meta(cell)
                if not meta.get("solution"):
                    continue
                if cell.cell_type == "markdown":
                    cell.source = _answer(rng)
                elif meta["grade_id"] in pools:
                    cell.source = rng.choice(pools[meta["grade_id"]])
                else:
                    code = reference[(assignment, meta["grade_id"])]
                    try:
                        code = disguise.disguise(code, rng.choice(disguise.KINDS), number)
                    except (SyntaxError, ValueError, StopIteration):
                        pass
                    cell.source = code
            folder = target / course.SUBMITTED / f"student{number:04d}" / assignment
            folder.mkdir(parents=True)
            (folder / path.name).write_text(notebooks.dumps(nb), encoding="utf-8")


def speed(students: int, keep: Path | None) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-similarity-"))
    try:
        target = scratch / "course"
        started = time.perf_counter()
        build_class(target, students)
        print(f"\nbuilt {students} students x 5 notebooks in {time.perf_counter() - started:.1f} s")
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "autograder", "--course", str(target), "similarity"],
                              capture_output=True, text=True, env=dict(os.environ, OPENBLAS_NUM_THREADS="2"))
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode:
            print(done.stdout, done.stderr)
            raise SystemExit("similarity failed")
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(f"| students x notebooks | wall time | CPU | peak RSS |\n|---|---:|---:|---:|\n"
              f"| {students} x 5 | {wall:.1f} s | {cpu:.1f} s | {after.ru_maxrss / 1024:.0f} MiB |")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        with (target / "reports" / "similarity.csv").open(encoding="utf-8") as handle:
            rows = sum(1 for _ in handle) - 1
        print(f"pairs flagged in this class: {rows} (every solution cell not in the corpus is the reference "
              f"solution disguised, so every student is alike there: rarity weighs it near 0)")
        if keep:
            shutil.copytree(target, keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=500, help="class size of the speed run (0: no speed run)")
    parser.add_argument("--no-copydetect", action="store_true", help="do not measure copydetect")
    parser.add_argument("--keep", type=Path, help="copy the speed run's course (and its reports) here")
    parser.add_argument("--speed-only", action="store_true", help="only the speed run")
    args = parser.parse_args()
    if not args.speed_only:
        quality(similarity.DEFAULT, not args.no_copydetect)
    if args.students:
        speed(args.students, args.keep)


if __name__ == "__main__":
    main()
