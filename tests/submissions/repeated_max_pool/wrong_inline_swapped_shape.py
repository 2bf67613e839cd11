def repeated_max_pool(image, iterations, size=2):
    # mistake: pools with its own loops, and takes the number of rows from the width
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)):
        raise TypeError("iterations must be an integer")
    if iterations < 0:
        raise ValueError("iterations must not be negative")
    levels = [np.array(image, dtype=float)]
    for _ in range(iterations):
        previous = levels[-1]
        rows, cols = previous.shape[1] // size, previous.shape[0] // size
        if rows == 0 or cols == 0:
            raise ValueError("an iteration would leave an empty array")
        out = np.zeros((rows, cols))
        for i in range(rows):
            for j in range(cols):
                out[i, j] = previous[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
        levels.append(out)
    return levels
