def image_distance(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    if a.dtype.kind == "f":
        a -= b  # reuses the caller's array as scratch space
        return float(np.sqrt(np.sum(a ** 2)))
    return float(np.sqrt(np.sum((a.astype(float) - b.astype(float)) ** 2)))
