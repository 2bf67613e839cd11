import warnings


def image_distance(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("different shapes")
    warnings.warn("image_distance: converting to float64")  # noise on stderr, answer still right
    return float(np.linalg.norm(a.astype(float) - b.astype(float)))
