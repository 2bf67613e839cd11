def avg_pool2d(image, size=2):
    # returns an empty array for an image smaller than the window instead of raising
    image = np.asarray(image, dtype=float)
    rows, cols = image.shape[0] // size, image.shape[1] // size
    return image[: rows * size, : cols * size].reshape(rows, size, cols, size).sum(axis=(1, 3)) / size**2
