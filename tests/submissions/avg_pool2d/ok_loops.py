def avg_pool2d(image, size=2):
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("size must be a positive integer")
    height, width = image.shape
    if height < size or width < size:
        raise ValueError("the image is smaller than the window")
    out = np.zeros((height // size, width // size))
    for i in range(height // size):
        for j in range(width // size):
            total = 0.0
            for u in range(size):
                for v in range(size):
                    total += float(image[i * size + u, j * size + v])
            out[i, j] = total / (size * size)
    return out
