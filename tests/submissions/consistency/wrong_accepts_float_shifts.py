def consistency(predict, images, dy, dx):
    # no type check: 0.5 is silently rounded
    if len(images) == 0:
        raise ValueError("no images")
    dy, dx = int(dy), int(dx)
    kept = sum(predict(np.asarray(i, dtype=float)) == predict(np.roll(np.asarray(i, dtype=float), (dy, dx), axis=(0, 1)))
               for i in images)
    return kept / len(images)
