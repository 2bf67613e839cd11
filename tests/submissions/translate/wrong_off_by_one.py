def translate(image, dy, dx, mode="constant"):
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("bad mode")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    image = image.astype(float)
    if mode == "wrap":
        return np.roll(image, (dy, dx), axis=(0, 1))
    h, w = image.shape
    out = np.zeros_like(image)
    for i in range(h - 1):          # misses the last row and column
        for j in range(w - 1):
            if 0 <= i + dy < h and 0 <= j + dx < w:
                out[i + dy, j + dx] = image[i, j]
    return out
