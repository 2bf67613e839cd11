def equivariance_error(f, image, dy, dx):
    # mistake: compares the number of pixels, not the shape; a transposed result has as many
    # pixels and gets through (and is then compared with a reshaped copy)
    for shift in (dy, dx):
        if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
            raise TypeError("shifts must be integers")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    image = image.astype(float)
    a = np.asarray(f(np.roll(image, (dy, dx), axis=(0, 1))), dtype=float)
    b = np.asarray(f(image), dtype=float)
    if a.size != image.size or b.size != image.size:
        raise ValueError("f must keep the size")
    a, b = a.reshape(image.shape), b.reshape(image.shape)
    return float(np.max(np.abs(a - np.roll(b, (dy, dx), axis=(0, 1)))))
