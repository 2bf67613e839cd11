def feature_pipeline(image, kernel, pool_iterations):
    flipped = np.asarray(kernel)[::-1, ::-1]  # true convolution; CNN layers correlate
    features = relu(correlate2d(image, flipped))
    for _ in range(pool_iterations):
        features = max_pool2d(features)
    return features
