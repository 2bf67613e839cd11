def avg_pool2d(image, size=2):
    # mistake: no check that size is positive: size=0 divides by zero (ZeroDivisionError)
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    height, width = image.shape
    rows, cols = height // size, width // size
    if rows <= 0 or cols <= 0:
        raise ValueError("image smaller than the window")
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = image[i * size:(i + 1) * size, j * size:(j + 1) * size].astype(float).mean()
    return out
