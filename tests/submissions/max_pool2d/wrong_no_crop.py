def max_pool2d(image, size=2):
    # forgets to drop the leftover rows and columns: fails for sizes that do not divide
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("bad image")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    return image.reshape(rows, size, cols, size).max(axis=(1, 3))
