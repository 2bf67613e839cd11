def convolve2d(image, kernel, padding="valid"):
    # mistake: flips the kernel in place; np.asarray(kernel, dtype=float) copies an integer kernel
    # but not a float64 one, so only a float kernel of the caller is turned round
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2:
        raise ValueError("kernel must be 2-D")
    kernel[:] = kernel[::-1, ::-1].copy()
    return correlate2d(image, kernel, padding)
