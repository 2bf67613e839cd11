def repeated_max_pool(image, iterations, size=2):
    # mistake: np.asarray(image, dtype=float) is the caller's array itself when it is float64 already,
    # so a caller who changes levels[0] changes their image
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)):
        raise TypeError("iterations must be an integer")
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels = [np.asarray(image, dtype=float)]
    for _ in range(iterations):
        levels.append(max_pool2d(levels[-1], size))
    return levels
