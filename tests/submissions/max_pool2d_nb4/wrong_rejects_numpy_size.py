def max_pool2d(image, size=2):
    # type(size) is int refuses NumPy integers (a shape entry or an argmax gives one)
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if type(size) is not int:
        raise TypeError("size must be an int")
    if size < 1:
        raise ValueError("size must be at least 1")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    if rows == 0 or cols == 0:
        raise ValueError("image smaller than the window")
    return image[:rows * size, :cols * size].astype(float).reshape(rows, size, cols, size).max(axis=(1, 3))
