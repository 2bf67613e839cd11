def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    if np.asarray(a).size != np.asarray(b).size:
        raise ValueError("different sizes")
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    if norm == 0:
        return 0.0
    return float(min(1.0, abs(np.dot(a, b)) / norm))  # absolute value: opposite maps count as equal
