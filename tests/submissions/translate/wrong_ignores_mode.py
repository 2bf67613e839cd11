def translate(image, dy, dx, mode="constant"):
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    image = image.astype(float)
    out = np.zeros_like(image)  # zero fill whatever the mode
    h, w = image.shape
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = image[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out
