"""Benchmark for notebook 2 (Equivariance): cross-correlation as a Python loop, vectorised
with NumPy slices, and with OpenCV, on a course photo; plus the redraw time of the
notebook's live figure. Prints markdown tables. Run: `.venv/bin/python bench/bench_equivariance.py`.

The implementations are defined here (not imported from the notebooks), so that the
benchmark measures the same code whatever state the notebooks are in. Total run time is
a few seconds.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from coursekit import figure_png, load_photo  # noqa: E402
from coursekit.filters import SOBEL_X, panel_figure  # noqa: E402


def correlate_loop(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """"valid" cross-correlation, one output pixel at a time (the notebook's loop demo)."""
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def correlate_vectorised(image: np.ndarray, kernel: np.ndarray, padding: str = "valid") -> np.ndarray:
    """The reference solution's method: one shifted slice per kernel entry."""
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    if padding != "valid":
        mode = "constant" if padding == "same" else "wrap"
        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode=mode)
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((out_h, out_w))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u:u + out_h, v:v + out_w]
    return out


def correlate_opencv(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """"valid" cross-correlation with cv2.filter2D (float output, border cropped)."""
    kh, kw = kernel.shape
    full = cv2.filter2D(np.asarray(image, dtype=float), cv2.CV_64F, kernel, anchor=(0, 0))
    return full[: image.shape[0] - kh + 1, : image.shape[1] - kw + 1]


def best(function, repeats: int) -> tuple[float, np.ndarray]:
    """Best wall time of ``repeats`` calls, and the last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    photo = load_photo("coffee")
    crop = photo[80:320, 100:500]           # the notebook's loop demo crop
    kernel = np.array(SOBEL_X)

    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
          f"NumPy {np.__version__}, OpenCV {cv2.__version__}, OpenCV threads {cv2.getNumThreads()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print()
    loop_s, loop_out = best(lambda: correlate_loop(crop, kernel), 2)
    vec_crop_s, vec_crop = best(lambda: correlate_vectorised(crop, kernel), 20)
    cv_crop_s, cv_crop = best(lambda: correlate_opencv(crop, kernel), 50)
    assert np.array_equal(loop_out, vec_crop) and np.allclose(vec_crop, cv_crop)
    vec_s, vec_out = best(lambda: correlate_vectorised(photo, kernel), 10)
    cv_s, cv_out = best(lambda: correlate_opencv(photo, kernel), 50)
    assert np.allclose(vec_out, cv_out)

    print("### 3 x 3 Sobel cross-correlation (\"valid\", float64), best of several runs")
    print()
    print("| implementation | crop 240 x 400 (ms) | photo 400 x 600 (ms) | ns per output pixel | x faster than loop | x slower than OpenCV |")
    print("|---|---:|---:|---:|---:|---:|")
    per_px = {"Python loop": loop_s / loop_out.size, "NumPy, vectorised": vec_s / vec_out.size,
              "cv2.filter2D": cv_s / cv_out.size}
    photo_ms = {"Python loop": f"~{loop_s / loop_out.size * vec_out.size * 1e3:,.0f} (extrapolated)",
                "NumPy, vectorised": f"{vec_s * 1e3:.2f}", "cv2.filter2D": f"{cv_s * 1e3:.2f}"}
    crop_ms = {"Python loop": loop_s, "NumPy, vectorised": vec_crop_s, "cv2.filter2D": cv_crop_s}
    for name, seconds in per_px.items():
        print(f"| {name} | {crop_ms[name] * 1e3:,.2f} | {photo_ms[name]} | {seconds * 1e9:,.1f} | "
              f"{per_px['Python loop'] / seconds:,.0f} | {seconds / per_px['cv2.filter2D']:,.1f} |")
    print()

    # the notebook's live figure: filter the shifted photo, compare, draw 3 panels, encode PNG
    # (what LiveFigure.update does; LiveFigure itself needs a running kernel to display)
    photo_f = photo.astype(float)
    filtered = {p: correlate_vectorised(photo_f, kernel, p) for p in ("same", "wrap")}

    def update(dy: int, dx: int, padding: str) -> bytes:
        a = correlate_vectorised(np.roll(photo_f, (dy, dx), axis=(0, 1)), kernel, padding)
        b = np.roll(filtered[padding], (dy, dx), axis=(0, 1))
        fig = panel_figure([a, b, a - b], ["f(shift(photo))", "shift(f(photo))",
                                           f"difference: largest |.| = {np.abs(a - b).max():.0f}"], limit=400)
        return figure_png(fig, 80)

    update(0, 0, "same")
    wall, cpu = [], []
    for k in range(12):
        start, start_cpu = time.perf_counter(), time.process_time()
        update(5 * k - 30, 9 * k - 50, ("same", "wrap")[k % 2])
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    wall_ms, cpu_ms = np.array(wall) * 1e3, np.array(cpu) * 1e3
    print("### Live figure update (notebook 2, section 6: dy/dx sliders on the 400 x 600 photo)")
    print()
    print("Wall time is what a student waits; CPU time is what the update costs this process")
    print("(close to the wall time on an idle machine, lower than it on a busy one).")
    print()
    print("| updates | wall median (ms) | wall slowest (ms) | CPU median (ms) | target (ms) |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {len(wall)} | {np.median(wall_ms):.0f} | {wall_ms.max():.0f} | {np.median(cpu_ms):.0f} | 100 |")


if __name__ == "__main__":
    main()
