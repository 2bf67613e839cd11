def correlate2d(image, kernel, padding="valid"):
    # centres the image "for precision", in place: np.asarray does not copy a float64 image
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    mean = image.mean()
    image -= mean
    if padding != "valid":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("odd kernel sizes needed")
        image = np.pad(image, ((kh // 2,) * 2, (kw // 2,) * 2), mode="constant" if padding == "same" else "wrap")
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))
    out = np.einsum("ijuv,uv->ij", windows, kernel)
    if padding == "same":
        ones = np.pad(np.ones_like(image[kh // 2:image.shape[0] - kh // 2, kw // 2:image.shape[1] - kw // 2]),
                      ((kh // 2,) * 2, (kw // 2,) * 2))
        return out + mean * np.einsum("ijuv,uv->ij", np.lib.stride_tricks.sliding_window_view(ones, (kh, kw)), kernel)
    return out + mean * kernel.sum()
