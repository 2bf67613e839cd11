def cosine_similarity(a, b):
    # computes in float32 to save memory: the result is a numpy.float32, not a float
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    if a.shape != b.shape:
        raise ValueError("a and b must have the same shape")
    norm_a, norm_b = np.sqrt(np.sum(a * a)), np.sqrt(np.sum(b * b))
    if norm_a == 0 or norm_b == 0:
        return 0.0
    return np.clip(np.sum(a * b) / (norm_a * norm_b), -1.0, 1.0)
