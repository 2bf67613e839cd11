def strided_correlate2d(image, kernel, stride):
    # no check of stride: 1.5 or 0 fail with an unhelpful error or a wrong result
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    kh, kw = kernel.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))[::int(stride) or 1, ::int(stride) or 1]
    return np.einsum("ijuv,uv->ij", windows, kernel)
