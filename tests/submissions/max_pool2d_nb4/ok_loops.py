def max_pool2d(image, size=2):
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("size must be at least 1")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    if rows == 0 or cols == 0:
        raise ValueError("image smaller than the window")
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = image[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return out
