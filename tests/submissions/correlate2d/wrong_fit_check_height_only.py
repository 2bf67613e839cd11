def correlate2d(image, kernel, padding="valid"):
    # mistake: the "valid" fit check compares the heights only; a kernel wider than the image
    # gives an empty result instead of a ValueError
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    if padding == "valid" and kh > image.shape[0]:
        raise ValueError("kernel taller than the image")
    if padding != "valid":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("same and wrap need odd kernel sizes")
        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)),
                       mode="constant" if padding == "same" else "wrap")
    rows, cols = image.shape[0] - kh + 1, max(image.shape[1] - kw + 1, 0)
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out
