def consistency(predict, images, dy, dx):
    # an image that is not 2-D is shifted along its first two axes instead of refused
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if len(images) == 0:
        raise ValueError("no images")
    kept = 0
    for image in images:
        image = np.asarray(image, dtype=float)
        kept += predict(image) == predict(np.roll(image, (dy, dx), axis=(0, 1)))
    return kept / len(images)
