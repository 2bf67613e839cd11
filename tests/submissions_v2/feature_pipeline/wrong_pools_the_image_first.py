def feature_pipeline(image, kernel, pool_iterations):
    smaller = np.array(image, dtype=float)
    rounds = 0
    while rounds < pool_iterations:        # shrinks the photo first ...
        smaller = max_pool2d(smaller, 2)
        rounds += 1
    return relu(correlate2d(smaller, kernel, padding="valid"))   # ... then filters it once
