def feature_pipeline(image, kernel, pool_iterations):
    if isinstance(pool_iterations, bool) or not isinstance(pool_iterations, (int, np.integer)):
        raise TypeError("pool_iterations must be an integer")
    if pool_iterations < 0:
        raise ValueError("pool_iterations must be 0 or more")
    features = relu(correlate2d(image, kernel))
    rounds = 0
    while rounds < pool_iterations:
        features = max_pool2d(features)
        rounds += 1
    return features
