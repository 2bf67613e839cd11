def translate(image, dy, dx, mode="constant"):
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("bad mode")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    image = image.astype(float)
    h, w = image.shape
    if mode == "wrap":
        # glues the two parts together without reducing the shift modulo the size
        rows = np.concatenate([image[h - dy:], image[:h - dy]]) if dy else image
        return np.concatenate([rows[:, w - dx:], rows[:, :w - dx]], axis=1) if dx else rows
    out = np.zeros_like(image)
    # forgets that a shift can be as large as the image
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = image[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out
