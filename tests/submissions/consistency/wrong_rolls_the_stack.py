def consistency(predict, images, dy, dx):
    # stacks the images and rolls along axis=(0, 1): axis 0 of the stack is the image index,
    # so images move along the stack and rows move by dx
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    images = np.asarray(images, dtype=float)
    if len(images) == 0:
        raise ValueError("no images")
    if images.ndim != 3:
        raise ValueError("images must be 2-D")
    shifted = np.roll(images, (dy, dx), axis=(0, 1))
    kept = sum(predict(image) == predict(moved) for image, moved in zip(images, shifted))
    return kept / len(images)
