def repeated_max_pool(image, iterations, size=2):
    # returns only the pooled levels, without the input first
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels, current = [], np.array(image, dtype=float)
    for _ in range(iterations):
        current = max_pool2d(current, size)
        levels.append(current)
    return levels
