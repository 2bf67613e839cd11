def equivariance_error(f, image, dy, dx):
    # mistake: shifts with zero fill (mode="constant") instead of circularly
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")

    def shift(x):
        out = np.zeros(x.shape)
        h, w = x.shape
        if abs(dy) >= h or abs(dx) >= w:
            return out
        out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            x[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
        return out

    image = image.astype(float)
    a = np.asarray(f(shift(image)), dtype=float)
    b = np.asarray(f(image), dtype=float)
    if a.shape != image.shape or b.shape != image.shape:
        raise ValueError("f must keep the shape of the image")
    return float(np.max(np.abs(a - shift(b))))
