def convolve2d(image, kernel, padding="valid"):
    # mistake: convolution and correlation are not the same thing
    return correlate2d(image, kernel, padding)
