def image_distance(a, b):
    # mistake: returns a numpy.float32 (half the memory...), which is not a Python float
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("different shapes")
    difference = a.astype(np.float32) - b.astype(np.float32)
    return np.sqrt(np.sum(difference * difference))
