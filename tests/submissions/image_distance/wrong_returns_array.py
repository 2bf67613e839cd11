def image_distance(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    return np.sqrt(np.sum((a - b) ** 2, keepdims=True))  # a 1x1 array, not a float
