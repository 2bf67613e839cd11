def max_pool2d(image, size=2):
    # keeps partial tiles at the bottom and right (ceil mode) instead of dropping them
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("bad image")
    rows, cols = -(-image.shape[0] // size), -(-image.shape[1] // size)
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = image[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return out
