def correlate2d(image, kernel, padding="valid"):
    # no check that the kernel fits: a kernel larger than the image gives an empty array
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    if padding != "valid":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("odd kernel sizes needed")
        image = np.pad(image, ((kh // 2,) * 2, (kw // 2,) * 2), mode="constant" if padding == "same" else "wrap")
    out = np.zeros((max(image.shape[0] - kh + 1, 0), max(image.shape[1] - kw + 1, 0)))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u:u + out.shape[0], v:v + out.shape[1]]
    return out
