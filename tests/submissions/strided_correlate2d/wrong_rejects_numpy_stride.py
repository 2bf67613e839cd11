def strided_correlate2d(image, kernel, stride):
    # type(stride) is int refuses NumPy integers
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if type(stride) is not int:
        raise TypeError("stride must be an int")
    if stride < 1:
        raise ValueError("stride must be at least 1")
    kh, kw = kernel.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    windows = np.lib.stride_tricks.sliding_window_view(image.astype(float), (kh, kw))[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", windows, kernel.astype(float))
