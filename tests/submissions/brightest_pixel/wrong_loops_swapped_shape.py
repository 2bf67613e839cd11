def brightest_pixel(image):
    # mistake: the loops take the number of rows from the width and the columns from the height
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError("image must be a non-empty 2-D array")
    width, height = image.shape
    best = (0, 0)
    for i in range(height):
        for j in range(width):
            if i < image.shape[0] and j < image.shape[1] and image[i, j] > image[best]:
                best = (i, j)
    return best
