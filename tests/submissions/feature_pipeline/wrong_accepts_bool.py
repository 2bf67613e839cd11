def feature_pipeline(image, kernel, pool_iterations):
    # isinstance(True, int) is True: True pools once, and no TypeError
    if not isinstance(pool_iterations, (int, np.integer)):
        raise TypeError("pool_iterations must be an integer")
    if pool_iterations < 0:
        raise ValueError("pool_iterations must be 0 or more")
    features = relu(correlate2d(image, kernel))
    for _ in range(pool_iterations):
        features = max_pool2d(features, 2)
    return features
