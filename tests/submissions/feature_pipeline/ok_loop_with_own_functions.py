def feature_pipeline(image, kernel, pool_iterations):
    features = relu(correlate2d(image, kernel))
    rounds = 0
    while rounds < pool_iterations:
        features = max_pool2d(features)
        rounds += 1
    return features
