def image_distance(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"different shapes {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b))
