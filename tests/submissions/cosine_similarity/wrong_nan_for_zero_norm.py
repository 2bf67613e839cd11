def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("different shapes")
    with np.errstate(invalid="ignore", divide="ignore"):  # silences the warning, returns nan
        value = np.sum(a * b) / (np.sqrt(np.sum(a * a)) * np.sqrt(np.sum(b * b)))
    return float(np.clip(value, -1, 1))
