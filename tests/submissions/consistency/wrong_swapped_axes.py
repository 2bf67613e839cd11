def consistency(predict, images, dy, dx):
    # dy and dx swapped
    if isinstance(dy, bool) or isinstance(dx, bool) or not isinstance(dy, (int, np.integer)) \
            or not isinstance(dx, (int, np.integer)):
        raise TypeError("shifts must be integers")
    if len(images) == 0:
        raise ValueError("no images")
    kept = sum(predict(np.asarray(i, dtype=float)) == predict(np.roll(np.asarray(i, dtype=float), (dx, dy), axis=(0, 1)))
               for i in images)
    return kept / len(images)
