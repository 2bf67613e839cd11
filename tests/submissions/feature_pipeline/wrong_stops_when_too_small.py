def feature_pipeline(image, kernel, pool_iterations):
    # stops pooling when the map gets too small, instead of letting max_pool2d's ValueError through
    if isinstance(pool_iterations, bool) or not isinstance(pool_iterations, (int, np.integer)):
        raise TypeError("pool_iterations must be an integer")
    if pool_iterations < 0:
        raise ValueError("pool_iterations must be 0 or more")
    features = relu(correlate2d(image, kernel))
    for _ in range(pool_iterations):
        if min(features.shape) < 2:
            break
        features = max_pool2d(features, 2)
    return features
