def image_distance(a, b):
    # returns numpy.float64, which is a float (a subclass of Python's float)
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("images must have the same shape")
    return np.sqrt(np.sum((a.astype(np.float64) - b.astype(np.float64)) ** 2))
