def max_pool2d(image, size=2):
    # the maximum of size * size strided slices, one per position inside the tile
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
    out = np.full((rows, cols), -np.inf)
    for u in range(size):
        for v in range(size):
            out = np.maximum(out, image[u: rows * size: size, v: cols * size: size])
    return out
