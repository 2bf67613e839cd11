def avg_pool2d(image, size=2):
    # mistake: divides the image by size * size in place; np.asarray(image, dtype=float) copies an
    # integer image but not a float64 one, so a float image of the caller is changed
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("size must be positive")
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    if rows == 0 or cols == 0:
        raise ValueError("image smaller than the window")
    image /= size * size
    return image[:rows * size, :cols * size].reshape(rows, size, cols, size).sum(axis=(1, 3))
