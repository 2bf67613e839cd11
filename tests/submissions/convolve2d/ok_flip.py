def convolve2d(image, kernel, padding="valid"):
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError("kernel must be 2-D")
    return correlate2d(image, np.flip(kernel), padding)
