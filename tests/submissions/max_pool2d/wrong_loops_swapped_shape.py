def max_pool2d(image, size=2):
    # mistake: the number of output rows is computed from the width and the columns from the height
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("size must be positive")
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    width, height = image.shape
    rows, cols = height // size, width // size
    if rows == 0 or cols == 0:
        raise ValueError("image smaller than the window")
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = image[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return out
