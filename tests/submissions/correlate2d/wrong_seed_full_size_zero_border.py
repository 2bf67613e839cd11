def correlate2d(image, kernel, padding="valid"):
    # mistake (as in the seed article): "valid" output kept at the input size, with a zero border
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    if padding != "valid":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("odd kernel sizes needed")
        mode = "constant" if padding == "same" else "wrap"
        padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode=mode)
    else:
        padded = image
    out = np.zeros(image.shape)
    for i in range(padded.shape[0] - kh + 1):
        for j in range(padded.shape[1] - kw + 1):
            row, col = (i, j) if padding != "valid" else (i + kh // 2, j + kw // 2)
            out[row, col] = np.sum(padded[i:i + kh, j:j + kw] * kernel)
    return out
