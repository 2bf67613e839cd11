def strided_correlate2d(image, kernel, stride):
    # subsamples the image first, then correlates: the kernel meets pixels that are stride apart
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
    small = image[::stride, ::stride].astype(float)
    windows = np.lib.stride_tricks.sliding_window_view(small, (min(kh, small.shape[0]), min(kw, small.shape[1])))
    return np.einsum("ijuv,uv->ij", windows, kernel[:windows.shape[2], :windows.shape[3]].astype(float))
