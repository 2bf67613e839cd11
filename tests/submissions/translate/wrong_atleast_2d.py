def translate(image, dy, dx, mode="constant"):
    # mistake: np.atleast_2d turns a 1-D row (or a single number) into an image instead of refusing it
    for shift in (dy, dx):
        if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
            raise TypeError("shifts must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("unknown mode")
    image = np.atleast_2d(image).astype(float)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    h, w = image.shape
    if mode == "wrap":
        return np.roll(image, (dy, dx), axis=(0, 1))
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            if 0 <= i + dy < h and 0 <= j + dx < w:
                out[i + dy, j + dx] = image[i, j]
    return out
