def repeated_max_pool(image, iterations, size=2):
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)):
        raise TypeError("iterations must be an integer")
    if iterations < 0:
        raise ValueError("iterations must be 0 or more")
    original = np.array(image, dtype=float)
    levels = [original]
    for _ in range(iterations):
        levels.append(max_pool2d(original.copy(), size))   # the original again, not the level before
    return levels
