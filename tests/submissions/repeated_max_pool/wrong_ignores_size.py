def repeated_max_pool(image, iterations, size=2):
    # always pools with 2 x 2 windows
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels = [np.array(image, dtype=float)]
    for _ in range(iterations):
        levels.append(max_pool2d(levels[-1]))
    return levels
