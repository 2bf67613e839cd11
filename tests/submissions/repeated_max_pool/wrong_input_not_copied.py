def repeated_max_pool(image, iterations, size=2):
    # puts the caller's array itself first: not a float copy
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels = [image]
    for _ in range(iterations):
        levels.append(max_pool2d(levels[-1], size))
    return levels
