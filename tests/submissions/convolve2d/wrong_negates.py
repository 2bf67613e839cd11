def convolve2d(image, kernel, padding="valid"):
    # mistake: "convolution is correlation with the opposite sign" (true only for antisymmetric kernels)
    return -correlate2d(image, kernel, padding)
