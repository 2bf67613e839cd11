def consistency(predict, images, dy, dx):
    # checks for an empty list only: an empty 3-D array divides 0 by 0
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if isinstance(images, list) and not images:
        raise ValueError("no images")
    kept = 0
    for image in images:
        image = np.asarray(image, dtype=float)
        if image.ndim != 2:
            raise ValueError("images must be 2-D")
        kept += predict(image) == predict(np.roll(image, (dy, dx), axis=(0, 1)))
    return float(kept / len(images))
