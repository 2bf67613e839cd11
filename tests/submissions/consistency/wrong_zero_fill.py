def consistency(predict, images, dy, dx):
    # a zero-filled shift instead of a circular one: content falls off the edge
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if len(images) == 0:
        raise ValueError("no images")
    kept = 0
    for image in images:
        image = np.asarray(image, dtype=float)
        shifted = np.zeros_like(image)
        h, w = image.shape
        shifted[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            image[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
        kept += predict(image) == predict(shifted)
    return kept / len(images)
