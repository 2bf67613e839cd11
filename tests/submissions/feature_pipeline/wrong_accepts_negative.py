def feature_pipeline(image, kernel, pool_iterations):
    # range(-1) is empty: a negative number of rounds silently means no pooling
    if isinstance(pool_iterations, bool) or not isinstance(pool_iterations, (int, np.integer)):
        raise TypeError("pool_iterations must be an integer")
    features = relu(correlate2d(image, kernel))
    for _ in range(pool_iterations):
        features = max_pool2d(features, 2)
    return features
