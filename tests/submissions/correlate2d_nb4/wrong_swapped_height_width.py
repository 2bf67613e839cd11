def correlate2d(image, kernel, padding="valid"):
    # a loop version that reads image.shape as (width, height): right only for square images
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    image, kernel = image.astype(float), kernel.astype(float)
    if padding != "valid":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("odd kernel sizes needed")
        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)),
                       mode="constant" if padding == "same" else "wrap")
    width, height = image.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    out = np.zeros((height - kh + 1, width - kw + 1))
    for i in range(height - kh + 1):
        for j in range(width - kw + 1):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out
