def repeated_max_pool(image, iterations, size=2):
    # pools with its own code instead of calling max_pool2d
    if not isinstance(iterations, (int, np.integer)) or iterations < 0:
        raise ValueError("iterations must be a non-negative integer")
    current = np.array(image, dtype=np.float32)
    levels = [current]
    for _ in range(iterations):
        rows, cols = current.shape[0] // size, current.shape[1] // size
        if rows == 0 or cols == 0:
            raise ValueError(f"cannot pool a {current.shape} array with a {size} x {size} window")
        current = current[: rows * size, : cols * size].reshape(rows, size, cols, size).max(axis=(1, 3))
        levels.append(current)
    return levels
