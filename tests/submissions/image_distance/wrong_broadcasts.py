def image_distance(a, b):
    # mistake: no shape check; NumPy broadcasting makes a (4,) row and a (1, 4) image "fit"
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.sqrt(np.sum((a - b) ** 2)))
