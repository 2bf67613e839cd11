def correlate2d(image, kernel, padding="valid"):
    # mistake: np.atleast_2d turns a 1-D kernel into a row instead of refusing it
    image, kernel = np.asarray(image), np.atleast_2d(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    image, kernel = image.astype(float), kernel.astype(float)
    if padding == "valid":
        if kh > image.shape[0] or kw > image.shape[1]:
            raise ValueError("kernel larger than the image")
    else:
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("same and wrap need odd kernel sizes")
        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)),
                       mode="constant" if padding == "same" else "wrap")
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((out_h, out_w))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u:u + out_h, v:v + out_w]
    return out
