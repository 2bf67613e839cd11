def avg_pool2d(image, size=2):
    # the window moves by one pixel instead of by its size
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("bad image")
    rows, cols = image.shape[0] - size + 1, image.shape[1] - size + 1
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = image[i:i + size, j:j + size].mean()
    return out
