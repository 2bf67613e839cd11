def feature_pipeline(image, kernel, pool_iterations):
    maps = [relu(correlate2d(image, kernel, "valid"))]
    for _ in range(pool_iterations):
        maps.append(max_pool2d(maps[-1], size=2))
    return maps[-1]
