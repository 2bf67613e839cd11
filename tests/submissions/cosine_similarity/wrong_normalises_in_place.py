def cosine_similarity(a, b):
    # divides the arrays by their norms in place: np.asarray does not copy float64 arrays
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("a and b must have the same shape")
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    if norm_a == 0 or norm_b == 0:
        return 0.0
    a /= norm_a
    b /= norm_b
    return float(np.clip(np.sum(a * b), -1.0, 1.0))
