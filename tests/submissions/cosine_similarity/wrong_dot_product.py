def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("different shapes")
    return float(np.sum(a * b))  # forgot to divide by the norms
