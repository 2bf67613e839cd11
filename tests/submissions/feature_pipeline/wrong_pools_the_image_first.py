def feature_pipeline(image, kernel, pool_iterations):
    image = np.asarray(image, dtype=float)
    for _ in range(pool_iterations):  # pools the photo before filtering it
        image = max_pool2d(image)
    return relu(correlate2d(image, kernel))
