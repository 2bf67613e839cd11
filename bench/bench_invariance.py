"""Benchmark for notebook 3 (Invariance): max and average pooling written as Python loops,
vectorised with NumPy, and taken from a library, on a course photo; and how long the
notebook's interactive pooling pyramid takes to redraw.

Run: ``.venv/bin/python bench/bench_invariance.py`` (or ``make bench``). Prints markdown.
The reference implementations are defined here (the notebooks are never imported), and
every method's result is checked against the loops before it is timed.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ipywidgets as widgets  # noqa: E402

from coursekit import LiveFigure, load_photo  # noqa: E402
from coursekit.pooling import pyramid_figure  # noqa: E402

Pool = Callable[[np.ndarray, int], np.ndarray]


def pool_loops(image: np.ndarray, size: int = 2, reduce: Callable[[np.ndarray], float] = np.max) -> np.ndarray:
    """Pooling as two Python loops over the windows; ``reduce`` is np.max or np.mean."""
    image = np.asarray(image, dtype=float)
    rows, cols = image.shape[0] // size, image.shape[1] // size
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = reduce(image[i * size:(i + 1) * size, j * size:(j + 1) * size])
    return out


def pool_reshape(image: np.ndarray, size: int = 2, reduce: Callable[..., np.ndarray] = np.max) -> np.ndarray:
    """Pooling vectorised by reshaping into (rows, size, cols, size) windows."""
    image = np.asarray(image)
    rows, cols = image.shape[0] // size, image.shape[1] // size
    return reduce(image[: rows * size, : cols * size].astype(float).reshape(rows, size, cols, size), axis=(1, 3))


max_pool_loops = functools.partial(pool_loops, reduce=np.max)
max_pool_reshape = functools.partial(pool_reshape, reduce=np.max)
avg_pool_loops = functools.partial(pool_loops, reduce=np.mean)
avg_pool_reshape = functools.partial(pool_reshape, reduce=np.mean)


def max_pool_strided(image: np.ndarray, size: int = 2) -> np.ndarray:
    image = np.asarray(image, dtype=float)
    rows, cols = image.shape[0] // size, image.shape[1] // size
    out = image[0: rows * size: size, 0: cols * size: size]
    for u in range(size):
        for v in range(size):
            out = np.maximum(out, image[u: rows * size: size, v: cols * size: size])
    return out


def max_pool_windows(image: np.ndarray, size: int = 2) -> np.ndarray:
    return sliding_window_view(np.asarray(image, dtype=float), (size, size))[::size, ::size].max(axis=(2, 3))


def max_pool_opencv(image: np.ndarray, size: int = 2) -> np.ndarray:
    image = np.asarray(image, dtype=float)
    rows, cols = image.shape[0] // size, image.shape[1] // size
    dense = cv2.dilate(image, np.ones((size, size), np.uint8), anchor=(0, 0))
    return dense[: rows * size: size, : cols * size: size]


def avg_pool_opencv(image: np.ndarray, size: int = 2) -> np.ndarray:
    image = np.asarray(image, dtype=float)
    rows, cols = image.shape[0] // size, image.shape[1] // size
    cropped = np.ascontiguousarray(image[: rows * size, : cols * size])
    return cv2.resize(cropped, (cols, rows), interpolation=cv2.INTER_AREA)


def best_seconds(pool: Pool, image: np.ndarray, size: int, repeats: int) -> float:
    """The fastest of ``repeats`` runs: the one least disturbed by other programs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        pool(image, size)
        times.append(time.perf_counter() - start)
    return min(times)


def pooling_table(title: str, methods: dict[str, tuple[str, Pool]], image: np.ndarray, size: int) -> list[str]:
    reference = next(iter(methods.values()))[1](image, size)
    lines = [f"### {title}", "",
             "| method | kind | time (ms) | speed-up vs loops | same result as loops |",
             "|---|---|---:|---:|---|"]
    loops = None
    for name, (kind, pool) in methods.items():
        same = np.allclose(pool(image, size), reference, rtol=1e-12, atol=1e-9)
        if not same:
            raise SystemExit(f"{name} disagrees with the loops: the benchmark would compare different things")
        seconds = best_seconds(pool, image, size, repeats=2 if kind == "loop" else 15)
        loops = loops or seconds
        lines.append(f"| {name} | {kind} | {seconds * 1e3:.2f} | {loops / seconds:.0f}x | {same} |")
    return lines + [""]


def widget_update_ms(image: np.ndarray, updates: int = 8) -> tuple[float, float]:
    """Median and worst redraw time of a LiveFigure like the notebook's pooling pyramid."""
    def pyramid(x: np.ndarray, levels: int) -> list[np.ndarray]:
        out = [x]
        for _ in range(levels):
            out.append(max_pool_reshape(out[-1]))
        return out

    def draw(dy: int, dx: int, levels: int):
        moved = np.roll(image, (dy, dx), axis=(0, 1))
        return pyramid_figure([pyramid(image, levels), pyramid(moved, levels)],
                              ["original", f"shifted by ({dy}, {dx})"], vmin=0, vmax=255)

    figure = LiveFigure(draw, dy=widgets.IntSlider(0, -16, 16), dx=widgets.IntSlider(1, -16, 16),
                        levels=widgets.IntSlider(3, 1, 5))
    times = []
    for k in range(updates):
        figure.controls["levels"].value = 5 if k % 2 else 3      # the heaviest and the default view
        figure.controls["dx"].value = k + 2
        times.append(figure.last_update_seconds)
    return statistics.median(times) * 1e3, max(times) * 1e3


def main() -> None:
    start = time.perf_counter()
    photo = load_photo("coffee")
    print(f"Pooling the grey `coffee` photo ({photo.shape[0]} x {photo.shape[1]}, uint8); best of several runs.\n")
    max_methods = {
        "Python loops over tiles": ("loop", max_pool_loops),
        "NumPy reshape + max(axis=(1, 3))": ("vectorised", max_pool_reshape),
        "NumPy strided slices + np.maximum": ("vectorised", max_pool_strided),
        "NumPy sliding_window_view": ("library", max_pool_windows),
        "OpenCV cv2.dilate + subsample": ("library", max_pool_opencv),
    }
    avg_methods = {
        "Python loops over tiles": ("loop", avg_pool_loops),
        "NumPy reshape + mean(axis=(1, 3))": ("vectorised", avg_pool_reshape),
        "OpenCV cv2.resize INTER_AREA": ("library", avg_pool_opencv),
    }
    lines = pooling_table("max_pool2d, size 2", max_methods, photo, 2)
    lines += pooling_table("max_pool2d, size 4", max_methods, photo, 4)
    lines += pooling_table("avg_pool2d, size 2", avg_methods, photo, 2)
    camera = cv2.resize(load_photo("camera"), (64, 64), interpolation=cv2.INTER_AREA).astype(float)
    median, worst = widget_update_ms(camera)
    lines += ["### Interactive pooling pyramid (LiveFigure, 64 x 64 image, 3 to 5 levels)", "",
              "| redraws | median (ms) | slowest (ms) |", "|---:|---:|---:|", f"| 8 | {median:.0f} | {worst:.0f} |", ""]
    print("\n".join(lines))
    print(f"_benchmark run time: {time.perf_counter() - start:.1f} s_")


if __name__ == "__main__":
    main()
