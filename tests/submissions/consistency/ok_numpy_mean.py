def consistency(predict, images, dy, dx):
    # np.mean of the booleans: a numpy.float64, which is a float
    for shift in (dy, dx):
        if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
            raise TypeError("shifts must be integers")
    kept = []
    for image in images:
        image = np.array(image, dtype=float)
        if image.ndim != 2:
            raise ValueError("images must be 2-D")
        kept.append(predict(image) == predict(np.roll(image, (dy, dx), axis=(0, 1))))
    if not kept:
        raise ValueError("no images")
    return np.mean(kept)
