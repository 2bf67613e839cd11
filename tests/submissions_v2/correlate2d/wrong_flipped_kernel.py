def correlate2d(image, kernel, padding="valid"):
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("2-D arrays only")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("unknown padding")
    kh, kw = kernel.shape
    image = image.astype(float)
    if padding != "valid":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("odd kernels only")
        image = np.pad(image, ((kh // 2,) * 2, (kw // 2,) * 2), mode="constant" if padding == "same" else "wrap")
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than the image")
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for u in range(kh):
                for v in range(kw):
                    # the textbook convolution formula: kernel[u, v] meets image[.. - u, .. - v]
                    out[i, j] += image[i + kh - 1 - u, j + kw - 1 - v] * kernel[u, v]
    return out
