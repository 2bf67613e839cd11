def equivariance_error(f, image, dy, dx):
    if isinstance(dy, bool) or not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("integer shifts only")
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("2-D images only")
    moved = np.roll(image, (dy, dx), axis=(0, 1))
    after, before = np.asarray(f(moved), dtype=float), np.asarray(f(image), dtype=float)
    if after.shape != image.shape or before.shape != image.shape:
        raise ValueError("f must keep the shape")
    return float(np.max(np.abs(after - before)))   # f(image) compared where it is, not shifted
