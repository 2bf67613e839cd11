def translate(image, dy, dx, mode="constant"):
    # mistake: only a Python int counts as a shift; np.int64(3) (an argmax, a shape entry) is refused
    if type(dy) is not int or type(dx) is not int:
        raise TypeError("dy and dx must be int")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if mode not in ("constant", "wrap"):
        raise ValueError("unknown mode")
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
