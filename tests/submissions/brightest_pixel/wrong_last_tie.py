def brightest_pixel(image):
    # returns the last maximum when several pixels tie
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError("need a non-empty 2-D image")
    row, col = np.argwhere(image == image.max())[-1]
    return int(row), int(col)
