def feature_pipeline(image, kernel, pool_iterations):
    # pads an image smaller than the kernel with zeros instead of letting correlate2d refuse it
    if isinstance(pool_iterations, bool) or not isinstance(pool_iterations, (int, np.integer)):
        raise TypeError("pool_iterations must be an integer")
    if pool_iterations < 0:
        raise ValueError("pool_iterations must be 0 or more")
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel)
    if image.ndim == 2 and kernel.ndim == 2:
        extra = (max(kernel.shape[0] - image.shape[0], 0), max(kernel.shape[1] - image.shape[1], 0))
        image = np.pad(image, ((0, extra[0]), (0, extra[1])))
    features = relu(correlate2d(image, kernel))
    for _ in range(pool_iterations):
        features = max_pool2d(features, 2)
    return features
