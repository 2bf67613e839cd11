"""Synthetic images, made by code so that they need no files (fixed seeds where random)."""

from __future__ import annotations

import numpy as np


def bright_pixel_image(
    shape: tuple[int, int] = (10, 10), position: tuple[int, int] = (2, 2), value: float = 1.0
) -> np.ndarray:
    """A float image of zeros with one pixel set to ``value`` at ``position`` (row, col)."""
    image = np.zeros(shape, dtype=float)
    image[position] = value
    return image


def random_image(
    shape: tuple[int, int] = (10, 10), seed: int = 0, dtype: type = float
) -> np.ndarray:
    """A reproducible random image: floats in [0, 1), or integers 0..255 for ``np.uint8``."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.uint8:
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    return rng.random(shape).astype(dtype)
