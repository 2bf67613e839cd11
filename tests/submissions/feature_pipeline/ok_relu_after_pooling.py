def feature_pipeline(image, kernel, pool_iterations):
    # max pooling and ReLU commute (ReLU never changes which value is largest), so the
    # ReLU may come last
    features = correlate2d(image, kernel, padding="valid")
    for _ in range(pool_iterations):
        features = max_pool2d(features, 2)
    return relu(features)
