def convolve2d(image, kernel, padding="valid"):
    # mistake: flips the caller's kernel in place
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError("kernel must be 2-D")
    kernel[...] = kernel[::-1, ::-1].copy()
    return correlate2d(image, kernel, padding)
