def max_pool2d(image, size=2):
    # the loops run over the columns for i and the rows for j
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("size must be positive")
    image = np.asarray(image)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("need a 2-D image at least as large as the window")
    out = np.zeros((image.shape[0] // size, image.shape[1] // size))
    for i in range(image.shape[1] // size):
        for j in range(image.shape[0] // size):
            out[i, j] = image[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return out
