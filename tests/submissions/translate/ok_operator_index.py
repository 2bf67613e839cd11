import operator


def translate(image, dy, dx, mode="constant"):
    # operator.index accepts exactly the integers (Python and NumPy) and refuses floats; bools first
    if isinstance(dy, bool) or isinstance(dx, bool):
        raise TypeError("shifts must be integers, not bool")
    dy, dx = operator.index(dy), operator.index(dx)
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if mode == "wrap":
        return np.roll(image.astype(float), (dy, dx), axis=(0, 1))
    if mode != "constant":
        raise ValueError("unknown mode")
    h, w = image.shape
    padded = np.pad(image.astype(float), ((h, h), (w, w)))
    return padded[h - dy:2 * h - dy, w - dx:2 * w - dx].copy() if abs(dy) <= h and abs(dx) <= w else np.zeros((h, w))
