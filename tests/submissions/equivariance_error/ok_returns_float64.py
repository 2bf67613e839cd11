def equivariance_error(f, image, dy, dx):
    # returns numpy.float64 (np.max of a float64 array), which is a float
    for shift in (dy, dx):
        if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
            raise TypeError("shifts must be integers")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    image = image.astype(np.float64)
    a = np.asarray(f(np.roll(image, (dy, dx), axis=(0, 1))), dtype=np.float64)
    b = np.asarray(f(image), dtype=np.float64)
    if a.shape != image.shape or b.shape != image.shape:
        raise ValueError("f must return an array of the image's shape")
    return np.max(np.abs(a - np.roll(b, (dy, dx), axis=(0, 1))))
