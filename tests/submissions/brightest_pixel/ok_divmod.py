def brightest_pixel(image):
    image = np.asarray(image)
    if image.ndim != 2 or 0 in image.shape:
        raise ValueError("need a non-empty 2-D image")
    return divmod(int(np.argmax(image)), image.shape[1])
