def strided_correlate2d(image, kernel, stride):
    # the full "valid" correlation, then every stride-th row and column
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)):
        raise TypeError("stride must be an integer")
    if stride < 1:
        raise ValueError("stride must be at least 1")
    kh, kw = kernel.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    image, kernel = image.astype(float), kernel.astype(float)
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))
    full = np.einsum("ijuv,uv->ij", windows, kernel)
    return full[::stride, ::stride].copy()
