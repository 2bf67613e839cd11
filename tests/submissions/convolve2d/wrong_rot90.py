def convolve2d(image, kernel, padding="valid"):
    # mistake: rotates by 90 degrees instead of 180
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError("kernel must be 2-D")
    return correlate2d(image, np.rot90(kernel), padding)
