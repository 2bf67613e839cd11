def correlate2d(image, kernel, padding="valid"):
    # flips the kernel: that is convolution, not the cross-correlation of CNN layers
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)[::-1, ::-1]
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    if padding != "valid":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("odd kernel sizes needed")
        image = np.pad(image, ((kh // 2,) * 2, (kw // 2,) * 2), mode="constant" if padding == "same" else "wrap")
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))
    return np.einsum("ijuv,uv->ij", windows, kernel)
