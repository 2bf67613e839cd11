def repeated_max_pool(image, iterations, size=2):
    # returns a tuple, not a list
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels = [np.array(image, dtype=float)]
    for _ in range(iterations):
        levels.append(max_pool2d(levels[-1], size))
    return tuple(levels)
