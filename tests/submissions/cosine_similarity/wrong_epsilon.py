def cosine_similarity(a, b):
    # an epsilon in the denominator avoids 0 / 0, but changes the result for small values
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("a and b must have the same shape")
    value = np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12)
    return float(np.clip(value, -1.0, 1.0))
