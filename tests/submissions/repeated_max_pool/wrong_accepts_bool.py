def repeated_max_pool(image, iterations, size=2):
    # mistake: no type check: iterations=True counts as 1 (bool is a subclass of int)
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels = [np.array(image, dtype=float)]
    for _ in range(iterations):
        levels.append(max_pool2d(levels[-1], size))
    return levels
