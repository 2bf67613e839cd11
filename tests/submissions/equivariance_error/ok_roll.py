def equivariance_error(f, image, dy, dx):
    # np.roll on both sides
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in (dy, dx)):
        raise TypeError("shifts must be integers")
    image = image.astype(float)
    a = np.asarray(f(np.roll(image, (dy, dx), axis=(0, 1))), dtype=float)
    b = np.asarray(f(image), dtype=float)
    if a.shape != image.shape or b.shape != image.shape:
        raise ValueError("f must keep the shape of the image")
    b = np.roll(b, (dy, dx), axis=(0, 1))
    return float(np.max(np.abs(a - b)))
