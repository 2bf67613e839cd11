def max_pool2d(image, size=2):
    # keeps partial windows at the right and bottom edges (ceil mode)
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("bad image")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    rows, cols = -(-image.shape[0] // size), -(-image.shape[1] // size)
    return np.array([[image[i * size:(i + 1) * size, j * size:(j + 1) * size].max() for j in range(cols)]
                     for i in range(rows)])
