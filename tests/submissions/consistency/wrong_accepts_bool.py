def consistency(predict, images, dy, dx):
    # isinstance(True, int) is True: a bool shift slips through
    if not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if len(images) == 0:
        raise ValueError("no images")
    kept = 0
    for image in images:
        image = np.asarray(image, dtype=float)
        if image.ndim != 2:
            raise ValueError("images must be 2-D")
        kept += predict(image) == predict(np.roll(image, (dy, dx), axis=(0, 1)))
    return kept / len(images)
