def repeated_max_pool(image, iterations, size=2):
    # mistake: only a Python int counts as a number of iterations; np.int64(3) is refused
    if type(iterations) is not int:
        raise TypeError("iterations must be an int")
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels = [np.array(image, dtype=float)]
    for _ in range(iterations):
        levels.append(max_pool2d(levels[-1], size))
    return levels
