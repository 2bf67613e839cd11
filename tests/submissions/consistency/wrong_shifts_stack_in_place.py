def consistency(predict, images, dy, dx):
    # shifts each image in place: np.asarray does not copy a float64 stack, so the caller's images move
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    images = np.asarray(images, dtype=float)
    if len(images) == 0:
        raise ValueError("no images")
    if images.ndim != 3:
        raise ValueError("images must be 2-D")
    before = [predict(image) for image in images]
    for k in range(len(images)):
        images[k] = np.roll(images[k], (dy, dx), axis=(0, 1))
    return sum(b == predict(image) for b, image in zip(before, images)) / len(images)
