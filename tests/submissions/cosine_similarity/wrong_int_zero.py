def cosine_similarity(a, b):
    # returns the int 0 for a zero norm
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("a and b must have the same shape")
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    if norm_a == 0 or norm_b == 0:
        return 0
    return float(np.clip(np.sum(a * b) / (norm_a * norm_b), -1.0, 1.0))
