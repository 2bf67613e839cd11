def cosine_similarity(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("different shapes")
    a, b = a.reshape(-1).astype(np.float64), b.reshape(-1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        norms = np.sqrt(a @ a), np.sqrt(b @ b)
    if 0.0 in norms:
        return 0.0
    value = (a / norms[0]) @ (b / norms[1])
    return float(min(1.0, max(-1.0, value)))
