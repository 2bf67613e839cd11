def brightest_pixel(image):
    # accepts 1-D and 3-D arrays without complaint
    image = np.asarray(image)
    position = np.unravel_index(np.argmax(image), image.shape)
    return tuple(int(i) for i in position)
