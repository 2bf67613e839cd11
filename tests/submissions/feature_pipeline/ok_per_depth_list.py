def feature_pipeline(image, kernel, pool_iterations):
    if isinstance(pool_iterations, bool) or not isinstance(pool_iterations, (int, np.integer)):
        raise TypeError("pool_iterations must be an integer")
    if pool_iterations < 0:
        raise ValueError("pool_iterations must be 0 or more")
    maps = [relu(correlate2d(image, kernel, "valid"))]
    for _ in range(pool_iterations):
        maps.append(max_pool2d(maps[-1], size=2))
    return maps[-1]
