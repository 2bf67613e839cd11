def feature_pipeline(image, kernel, pool_iterations):
    # max pooling and ReLU commute (ReLU never changes which value is largest), so the
    # ReLU may come last
    if isinstance(pool_iterations, bool) or not isinstance(pool_iterations, (int, np.integer)):
        raise TypeError("pool_iterations must be an integer")
    if pool_iterations < 0:
        raise ValueError("pool_iterations must be 0 or more")
    features = correlate2d(image, kernel, padding="valid")
    for _ in range(pool_iterations):
        features = max_pool2d(features, 2)
    return relu(features)
