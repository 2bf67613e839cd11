def feature_pipeline(image, kernel, pool_iterations):
    # type(...) is int refuses NumPy integers
    if type(pool_iterations) is not int:
        raise TypeError("pool_iterations must be an int")
    if pool_iterations < 0:
        raise ValueError("pool_iterations must be 0 or more")
    features = relu(correlate2d(image, kernel))
    for _ in range(pool_iterations):
        features = max_pool2d(features, 2)
    return features
