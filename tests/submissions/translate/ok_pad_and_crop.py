def translate(image, dy, dx, mode="constant"):
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in (dy, dx)):
        raise TypeError("shifts must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("mode must be constant or wrap")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    h, w = image.shape
    image = image.astype(float)
    if mode == "wrap":
        dy, dx = dy % h, dx % w
        tiled = np.tile(image, (2, 2))
        return tiled[h - dy:2 * h - dy, w - dx:2 * w - dx].copy()
    py, px = min(abs(dy), h), min(abs(dx), w)
    padded = np.pad(image, ((py, py), (px, px)))
    top = py - max(-py, min(dy, py))
    left = px - max(-px, min(dx, px))
    return padded[top:top + h, left:left + w].copy()
