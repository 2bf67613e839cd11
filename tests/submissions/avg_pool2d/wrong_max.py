def avg_pool2d(image, size=2):
    # takes the maximum instead of the mean (the mix-up of the popular write-up, the other way round)
    image = np.asarray(image)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("bad image")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    return image[: rows * size, : cols * size].astype(float).reshape(rows, size, cols, size).max(axis=(1, 3))
