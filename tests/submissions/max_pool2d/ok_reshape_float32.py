def max_pool2d(image, size=2):
    if np.ndim(image) != 2:
        raise ValueError("image must be 2-D")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size <= 0:
        raise ValueError("size must be positive")
    h, w = np.shape(image)
    if h < size or w < size:
        raise ValueError("image smaller than the pooling window")
    a = np.asarray(image, dtype=np.float32)[: h - h % size, : w - w % size]
    return a.reshape(h // size, size, w // size, size).max(axis=3).max(axis=1)
