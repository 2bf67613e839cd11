# Reuses a variable of a display-only cell above: `pixel` (10 x 10, one pixel at 1.0).
# Grading must run that cell, or this student would lose every point.
ONE = float(pixel.max())


def image_distance(a, b):
    a, b = np.asarray(a), np.asarray(b)
    for name, x in (("a", a), ("b", b)):
        if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
            raise TypeError(f"{name} must hold real numbers, not {x.dtype}")
    if a.shape != b.shape:
        raise ValueError(f"images must have the same shape, not {a.shape} and {b.shape}")
    return ONE * float(np.linalg.norm((a.astype(float) - b.astype(float)).ravel()))
