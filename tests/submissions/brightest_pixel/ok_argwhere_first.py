def brightest_pixel(image):
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError("need a non-empty 2-D image")
    row, col = np.argwhere(image == image.max())[0]
    return (int(row), int(col))
