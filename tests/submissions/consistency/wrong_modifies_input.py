def consistency(predict, images, dy, dx):
    # shifts the images in place
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if len(images) == 0:
        raise ValueError("no images")
    kept = 0
    for image in images:
        before = predict(np.asarray(image, dtype=float))
        image[...] = np.roll(image, (dy, dx), axis=(0, 1))
        kept += before == predict(np.asarray(image, dtype=float))
    return kept / len(images)
