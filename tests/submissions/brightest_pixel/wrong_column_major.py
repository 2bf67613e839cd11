def brightest_pixel(image):
    # searches column by column, so ties go to the first maximum in column-major order
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError("need a non-empty 2-D image")
    col, row = np.unravel_index(np.argmax(image.T), image.T.shape)
    return int(row), int(col)
