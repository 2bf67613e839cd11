def translate(image, dy, dx, mode="constant"):
    # mistake: True and False pass the integer check (bool is a subclass of int)
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("dy and dx must be integers")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if mode not in ("constant", "wrap"):
        raise ValueError("unknown mode")
    dy, dx = int(dy), int(dx)
    image = image.astype(float)
    if mode == "wrap":
        return np.roll(image, (dy, dx), axis=(0, 1))
    h, w = image.shape
    out = np.zeros((h, w))
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        image[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out
