def image_distance(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size != b.size:  # (3, 4) and (4, 3) slip through
        raise ValueError("sizes differ")
    return float(np.sqrt(np.sum((a.ravel() - b.ravel()) ** 2)))
