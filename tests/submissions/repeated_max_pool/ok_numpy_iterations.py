def repeated_max_pool(image, iterations, size=2):
    # accepts NumPy integers (a count computed with NumPy), refuses bools and floats
    if isinstance(iterations, (bool, np.bool_)) or not isinstance(iterations, (int, np.integer)):
        raise TypeError(f"iterations must be an integer, not {type(iterations).__name__}")
    if iterations < 0:
        raise ValueError("iterations must be 0 or more")
    levels = [np.asarray(image).astype(float)]          # astype always copies
    for _ in range(int(iterations)):
        levels.append(max_pool2d(levels[-1], size))
    return levels
