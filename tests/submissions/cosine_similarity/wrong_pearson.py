def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    if np.shape(a) != np.shape(b):
        raise ValueError("different shapes")
    a, b = a - a.mean(), b - b.mean()  # Pearson's r: subtracts the means first
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    if norm == 0:
        return 0.0
    return float(np.clip(np.dot(a, b) / norm, -1, 1))
