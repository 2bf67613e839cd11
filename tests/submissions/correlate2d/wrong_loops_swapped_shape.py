def correlate2d(image, kernel, padding="valid"):
    # mistake: the output's height is computed from the widths and its width from the heights
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    if padding == "valid":
        if kh > image.shape[0] or kw > image.shape[1]:
            raise ValueError("kernel larger than the image")
    else:
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("same and wrap need odd kernel sizes")
        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)),
                       mode="constant" if padding == "same" else "wrap")
    width, height = image.shape
    out = np.zeros((height - kh + 1, width - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out
