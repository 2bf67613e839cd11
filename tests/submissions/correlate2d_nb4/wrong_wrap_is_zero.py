def correlate2d(image, kernel, padding="valid"):
    # "wrap" pads with zeros, like "same"
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
        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u:u + out.shape[0], v:v + out.shape[1]]
    return out
