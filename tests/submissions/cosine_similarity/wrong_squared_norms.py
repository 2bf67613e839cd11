def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("different shapes")
    norm_a, norm_b = np.sum(a * a), np.sum(b * b)  # forgot the square roots
    if norm_a == 0 or norm_b == 0:
        return 0.0
    return float(np.clip(np.sum(a * b) / (norm_a * norm_b), -1, 1))
