def feature_pipeline(image, kernel, pool_iterations):
    features = np.abs(correlate2d(image, kernel))  # edge strength, but a ReLU drops negative responses
    for _ in range(pool_iterations):
        features = max_pool2d(features)
    return features
