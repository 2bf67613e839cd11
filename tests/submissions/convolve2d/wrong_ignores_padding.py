def convolve2d(image, kernel, padding="valid"):
    # mistake: forgets to pass the padding on
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError("kernel must be 2-D")
    return correlate2d(image, kernel[::-1, ::-1])
