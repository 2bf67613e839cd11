def max_pool2d(image, size=2):
    # mistake: only a Python int counts as a size; np.int64(2) is refused
    if type(size) is not int:
        raise TypeError("size must be an int")
    if size < 1:
        raise ValueError("size must be positive")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    if rows == 0 or cols == 0:
        raise ValueError("image smaller than the window")
    return image[:rows * size, :cols * size].astype(float).reshape(rows, size, cols, size).max(axis=(1, 3))
