def repeated_max_pool(image, iterations, size=2):
    # pools with its own code instead of calling max_pool2d
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)):
        raise TypeError("iterations must be an integer")
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    current = np.array(image, dtype=np.float32)
    levels = [current]
    for _ in range(iterations):
        rows, cols = current.shape[0] // size, current.shape[1] // size
        if rows == 0 or cols == 0:
            raise ValueError(f"cannot pool a {current.shape} array with a {size} x {size} window")
        current = current[: rows * size, : cols * size].reshape(rows, size, cols, size).max(axis=(1, 3))
        levels.append(current)
    return levels
