def repeated_max_pool(image, iterations, size=2):
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)):
        raise TypeError("iterations must be an integer")
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    if iterations == 0:
        return [np.array(image, dtype=float, copy=True)]
    levels = repeated_max_pool(image, iterations - 1, size)
    return levels + [max_pool2d(levels[-1], size)]
