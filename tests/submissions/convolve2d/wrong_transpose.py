def convolve2d(image, kernel, padding="valid"):
    # mistake: transposes instead of flipping
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError("kernel must be 2-D")
    return correlate2d(image, kernel.T, padding)
