def feature_pipeline(image, kernel, pool_iterations):
    features = relu(correlate2d(image, kernel))
    for _ in range(1, pool_iterations):  # off by one: pools pool_iterations - 1 times
        features = max_pool2d(features)
    return features
