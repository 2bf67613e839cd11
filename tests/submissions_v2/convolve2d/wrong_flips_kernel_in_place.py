def convolve2d(image, kernel, padding="valid"):
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError("kernel must be 2-D")
    np.copyto(kernel, np.rot90(kernel, 2).copy())   # rotates the caller's kernel by 180 degrees, in place
    return correlate2d(image, kernel, padding=padding)
