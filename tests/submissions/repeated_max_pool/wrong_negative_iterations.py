def repeated_max_pool(image, iterations, size=2):
    # accepts a negative number of iterations (range(-1) is simply empty)
    levels = [np.array(image, dtype=float)]
    for _ in range(iterations):
        levels.append(max_pool2d(levels[-1], size))
    return levels
