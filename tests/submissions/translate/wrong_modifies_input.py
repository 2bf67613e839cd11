def translate(image, dy, dx, mode="constant"):
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("bad mode")
    if np.ndim(image) != 2:
        raise ValueError("image must be 2-D")
    out = np.asarray(image, dtype=float)  # no copy when the image is already float64
    h, w = out.shape
    out[...] = np.roll(out, (dy, dx), axis=(0, 1))
    if mode == "constant":
        if dy >= 0:
            out[:min(dy, h), :] = 0
        else:
            out[max(h + dy, 0):, :] = 0
        if dx >= 0:
            out[:, :min(dx, w)] = 0
        else:
            out[:, max(w + dx, 0):] = 0
    return out
