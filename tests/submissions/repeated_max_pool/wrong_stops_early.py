def repeated_max_pool(image, iterations, size=2):
    # stops quietly when the image becomes too small instead of raising ValueError
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels = [np.array(image, dtype=float)]
    for _ in range(iterations):
        if min(levels[-1].shape) < size:
            break
        levels.append(max_pool2d(levels[-1], size))
    return levels
