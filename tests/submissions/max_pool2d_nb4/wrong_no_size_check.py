def max_pool2d(image, size=2):
    # no check that the window fits: an image smaller than the window gives an empty array
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    return image[:rows * size, :cols * size].reshape(rows, size, cols, size).max(axis=(1, 3), initial=-np.inf)
