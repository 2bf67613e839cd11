import cv2


def feature_pipeline(image, kernel, pool_iterations):
    if isinstance(pool_iterations, bool) or not isinstance(pool_iterations, (int, np.integer)):
        raise TypeError("pool_iterations must be an integer")
    if pool_iterations < 0:
        raise ValueError("pool_iterations must be 0 or more")
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    kh, kw = kernel.shape
    height, width = image.shape
    if kh > height or kw > width:
        raise ValueError("kernel larger than image")
    # cv2.filter2D correlates around the anchor (kw // 2, kh // 2); keep the "valid" part
    full = cv2.filter2D(image, cv2.CV_64F, kernel)
    top, left = kh // 2, kw // 2
    features = np.maximum(full[top:top + height - kh + 1, left:left + width - kw + 1], 0.0)
    for _ in range(pool_iterations):
        h, w = features.shape[0] // 2, features.shape[1] // 2
        if h == 0 or w == 0:
            raise ValueError("feature map smaller than the pooling window")
        features = features[:2 * h, :2 * w].reshape(h, 2, w, 2).max(axis=(1, 3))
    return features
