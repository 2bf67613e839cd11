def cosine_similarity(a, b):
    # converts integer arrays only: float32 inputs give a numpy.float32 result
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("a and b must have the same shape")
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(float)
    if not np.issubdtype(b.dtype, np.floating):
        b = b.astype(float)
    norm_a, norm_b = np.sqrt(np.sum(a * a)), np.sqrt(np.sum(b * b))
    if norm_a == 0 or norm_b == 0:
        return 0.0
    return np.clip(np.sum(a * b) / (norm_a * norm_b), -1.0, 1.0)
