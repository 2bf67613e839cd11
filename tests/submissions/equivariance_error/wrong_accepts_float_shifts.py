def equivariance_error(f, image, dy, dx):
    # mistake: no check that the shifts are integers (np.roll accepts 1.5)
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    image = image.astype(float)
    a = np.asarray(f(np.roll(image, (dy, dx), axis=(0, 1))), dtype=float)
    b = np.asarray(f(image), dtype=float)
    if a.shape != image.shape or b.shape != image.shape:
        raise ValueError("f must keep the shape of the image")
    b = np.roll(b, (dy, dx), axis=(0, 1))
    return float(np.max(np.abs(a - b)))
