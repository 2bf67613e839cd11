def brightest_pixel(image):
    # returns the index into the flattened image
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    return int(np.argmax(image))
