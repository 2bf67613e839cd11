def consistency(predict, images, dy, dx):
    # no images: 0 / 0 gives nan (with a warning) instead of an error
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    same = [predict(np.asarray(i, dtype=float)) == predict(np.roll(np.asarray(i, dtype=float), (dy, dx), axis=(0, 1)))
            for i in images]
    return float(np.mean(same)) if same else float("nan")
