def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("different shapes")
    value = np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b))  # 0 / 0 warns for a zero array
    return float(np.clip(np.nan_to_num(value), -1, 1))
