def feature_pipeline(image, kernel, pool_iterations):
    if np.issubdtype(np.asarray(image).dtype, np.floating):
        image -= image.min()  # "normalise" the photo in place: changes the caller's array
    features = relu(correlate2d(image, kernel))
    for _ in range(pool_iterations):
        features = max_pool2d(features)
    return features
