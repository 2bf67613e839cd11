def repeated_max_pool(image, iterations, size=2):
    # pools the original image every time instead of the previous level
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    image = np.array(image, dtype=float)
    return [image] + [max_pool2d(image, size) for _ in range(iterations)]
