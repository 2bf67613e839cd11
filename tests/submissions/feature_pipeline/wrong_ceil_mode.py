def feature_pipeline(image, kernel, pool_iterations):
    features = relu(correlate2d(image, kernel))
    for _ in range(pool_iterations):
        # keeps leftover rows and columns by padding them (ceil mode) instead of dropping them
        h, w = features.shape
        padded = np.pad(features, ((0, h % 2), (0, w % 2)))
        features = padded.reshape(padded.shape[0] // 2, 2, padded.shape[1] // 2, 2).max(axis=(1, 3))
    return features
