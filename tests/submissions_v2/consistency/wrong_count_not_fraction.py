def consistency(predict, images, dy, dx):
    # counts the consistent images and returns the count (an int)
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if len(images) == 0:
        raise ValueError("no images")
    count = 0
    for image in images:
        image = np.asarray(image, dtype=float)
        if predict(image) == predict(np.roll(image, (dy, dx), axis=(0, 1))):
            count += 1
    return count
