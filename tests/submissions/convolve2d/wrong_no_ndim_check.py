def convolve2d(image, kernel, padding="valid"):
    # mistake: flips with kernel[::-1, ::-1] straight away: a 1-D kernel raises IndexError,
    # not the ValueError of correlate2d
    kernel = np.asarray(kernel)
    return correlate2d(image, kernel[::-1, ::-1], padding)
