def consistency(predict, images, dy, dx):
    # np.roll without axes rolls the flattened image: rows spill into each other
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if len(images) == 0:
        raise ValueError("no images")
    kept = sum(predict(np.asarray(i, dtype=float)) == predict(np.roll(np.asarray(i, dtype=float), dy * np.shape(i)[1] + dx))
               for i in images)
    return kept / len(images)
