def brightest_pixel(image):
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if image.size == 0:
        raise ValueError("image is empty")
    best_row, best_col = 0, 0
    for row in range(image.shape[0]):
        for col in range(image.shape[1]):
            if image[row, col] > image[best_row, best_col]:
                best_row, best_col = row, col
    return best_row, best_col
