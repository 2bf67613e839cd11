def max_pool2d(image, size=2):
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("2-D images only")
    if image.shape[0] < size or image.shape[1] < size:
        raise ValueError("image smaller than the window")
    rows, cols = -(-image.shape[0] // size), -(-image.shape[1] // size)   # rounds up: partial tiles kept
    padded = np.pad(image, ((0, rows * size - image.shape[0]), (0, cols * size - image.shape[1])),
                    constant_values=-np.inf)
    return padded.reshape(rows, size, cols, size).max(axis=(1, 3))
