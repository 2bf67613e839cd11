def brightest_pixel(image):
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError("need a non-empty 2-D image")
    return tuple(int(i) for i in np.unravel_index(image.argmax(), image.shape))
