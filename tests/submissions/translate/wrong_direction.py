def translate(image, dy, dx, mode="constant"):
    # moves content up/left for positive shifts
    return _shift(image, -dy, -dx, mode)


def _shift(image, dy, dx, mode):
    image = np.asarray(image).astype(float)
    if mode == "wrap":
        return np.roll(image, (dy, dx), axis=(0, 1))
    out = np.zeros_like(image)
    h, w = image.shape
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = image[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out
