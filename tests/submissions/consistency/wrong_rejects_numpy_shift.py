def consistency(predict, images, dy, dx):
    # type(dy) is int refuses NumPy integers
    if type(dy) is not int or type(dx) is not int:
        raise TypeError("shifts must be ints")
    if len(images) == 0:
        raise ValueError("no images")
    kept = 0
    for image in images:
        image = np.asarray(image, dtype=float)
        if image.ndim != 2:
            raise ValueError("images must be 2-D")
        kept += predict(image) == predict(np.roll(image, (dy, dx), axis=(0, 1)))
    return kept / len(images)
