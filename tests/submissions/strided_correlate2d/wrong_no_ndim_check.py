def strided_correlate2d(image, kernel, stride):
    # turns a colour image into grey instead of refusing an image that is not 2-D
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim == 3:
        image = image.mean(axis=2)
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)):
        raise TypeError("stride must be an integer")
    if stride < 1:
        raise ValueError("stride must be at least 1")
    kh, kw = kernel.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", windows, kernel)
