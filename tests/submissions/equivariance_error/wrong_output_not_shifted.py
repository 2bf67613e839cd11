def equivariance_error(f, image, dy, dx):
    # mistake: compares f(shift(x)) with f(x), unshifted
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    image = image.astype(float)
    a = np.asarray(f(np.roll(image, (dy, dx), axis=(0, 1))), dtype=float)
    b = np.asarray(f(image), dtype=float)
    if a.shape != image.shape or b.shape != image.shape:
        raise ValueError("f must keep the shape of the image")
    return float(np.max(np.abs(a - b)))
