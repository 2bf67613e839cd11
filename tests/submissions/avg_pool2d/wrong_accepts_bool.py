def avg_pool2d(image, size=2):
    # mistake: size=True passes the integer check (bool is a subclass of int) and averages 1 x 1
    if not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("size must be positive")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    if rows == 0 or cols == 0:
        raise ValueError("image smaller than the window")
    return image[:rows * size, :cols * size].astype(float).reshape(rows, size, cols, size).mean(axis=(1, 3))
