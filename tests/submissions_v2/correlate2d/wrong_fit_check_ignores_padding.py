def correlate2d(image, kernel, padding="valid"):
    # checks the kernel against the image before looking at the padding
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("2-D arrays only")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError("the kernel does not fit in the image")
    kh, kw = kernel.shape
    if padding == "same" or padding == "wrap":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("odd kernels only")
        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)),
                       mode="constant" if padding == "same" else "wrap")
    elif padding != "valid":
        raise ValueError("unknown padding")
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))
    return np.einsum("ijuv,uv->ij", windows, kernel)
