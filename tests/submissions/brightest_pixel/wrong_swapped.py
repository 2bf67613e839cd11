def brightest_pixel(image):
    # returns (col, row)
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError("need a non-empty 2-D image")
    row, col = np.unravel_index(np.argmax(image), image.shape)
    return int(col), int(row)
