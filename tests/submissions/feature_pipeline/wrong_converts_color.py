def feature_pipeline(image, kernel, pool_iterations):
    # turns a colour photo into grey instead of refusing an image that is not 2-D
    if isinstance(pool_iterations, bool) or not isinstance(pool_iterations, (int, np.integer)):
        raise TypeError("pool_iterations must be an integer")
    if pool_iterations < 0:
        raise ValueError("pool_iterations must be 0 or more")
    image = np.asarray(image, dtype=float)
    if image.ndim == 3:
        image = image.mean(axis=2)
    features = relu(correlate2d(image, kernel))
    for _ in range(pool_iterations):
        features = max_pool2d(features, 2)
    return features
