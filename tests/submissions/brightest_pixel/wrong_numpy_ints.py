def brightest_pixel(image):
    # returns NumPy integers (np.int64), not Python ints
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError("need a non-empty 2-D image")
    return np.unravel_index(np.argmax(image), image.shape)
