def avg_pool2d(image, size=2):
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("size must be a positive integer")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    if rows == 0 or cols == 0:
        raise ValueError("image smaller than the window")
    total = np.zeros((rows, cols))
    for u in range(size):
        for v in range(size):
            total += image[u: rows * size: size, v: cols * size: size]
    return total / size**2
