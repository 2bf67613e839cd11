def consistency(predict, images, dy, dx):
    # shifts the wrong way (content moves up and left)
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if len(images) == 0:
        raise ValueError("no images")
    kept = sum(predict(np.asarray(i, dtype=float)) == predict(np.roll(np.asarray(i, dtype=float), (-dy, -dx), axis=(0, 1)))
               for i in images)
    return kept / len(images)
