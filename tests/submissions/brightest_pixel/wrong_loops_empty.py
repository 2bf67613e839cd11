def brightest_pixel(image):
    # mistake: starts at (0, 0) and never checks that the image has a pixel: an empty image gives (0, 0)
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    best = (0, 0)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            if image[i, j] > image[best]:
                best = (i, j)
    return best
