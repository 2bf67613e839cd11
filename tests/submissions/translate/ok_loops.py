def translate(image, dy, dx, mode="constant"):
    for shift in (dy, dx):
        if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
            raise TypeError("shifts must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("mode must be constant or wrap")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    h, w = image.shape
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            ii, jj = i + dy, j + dx
            if mode == "wrap":
                ii, jj = ii % h, jj % w
            if 0 <= ii < h and 0 <= jj < w:
                out[ii, jj] = image[i, j]
    return out
