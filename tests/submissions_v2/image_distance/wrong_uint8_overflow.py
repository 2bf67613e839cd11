def image_distance(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    return float(np.sqrt(((a - b) ** 2).sum()))   # uint8 - uint8 and ** 2 both wrap around
