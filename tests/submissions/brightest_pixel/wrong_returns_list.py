def brightest_pixel(image):
    # returns a list [row, col] instead of a tuple
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError("need a non-empty 2-D image")
    return [int(i) for i in np.unravel_index(np.argmax(image), image.shape)]
