def translate(image, dy, dx, mode="constant"):
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in (dy, dx)):
        raise TypeError("shifts must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("mode must be constant or wrap")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    out = np.roll(image.astype(float), (dy, dx), axis=(0, 1))
    if mode == "constant":
        rows = np.arange(image.shape[0]) - dy
        cols = np.arange(image.shape[1]) - dx
        keep = ((rows >= 0) & (rows < image.shape[0]))[:, None] & ((cols >= 0) & (cols < image.shape[1]))[None, :]
        out[~keep] = 0
    return out
