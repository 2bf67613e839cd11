def consistency(predict, images, dy, dx):
    # returns the number of consistent images, not the fraction
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if len(images) == 0:
        raise ValueError("no images")
    return float(sum(predict(np.asarray(i, dtype=float)) == predict(np.roll(np.asarray(i, dtype=float), (dy, dx), axis=(0, 1)))
                     for i in images))
