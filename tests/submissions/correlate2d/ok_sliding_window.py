from numpy.lib.stride_tricks import sliding_window_view


def correlate2d(image, kernel, padding="valid"):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    kh, kw = kernel.shape
    if padding in ("same", "wrap"):
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("same/wrap need odd kernel sizes")
        pads = ((kh // 2, kh // 2), (kw // 2, kw // 2))
        image = np.pad(image, pads, mode="constant" if padding == "same" else "wrap")
    elif padding != "valid":
        raise ValueError(f"unknown padding {padding!r}")
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    windows = sliding_window_view(image, (kh, kw))
    return np.einsum("ijuv,uv->ij", windows, kernel)
