def correlate2d(image, kernel, padding="valid"):
    # mistake: pads "wrap" by gluing p rows of the other side on; a kernel larger than the image
    # needs more rows than the image has, and then image[-p:] is too short
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
        ph, pw = kh // 2, kw // 2
        if padding == "same":
            image = np.pad(image, ((ph, ph), (pw, pw)))
        else:
            if ph:
                image = np.concatenate([image[-ph:], image, image[:ph]], axis=0)
            if pw:
                image = np.concatenate([image[:, -pw:], image, image[:, :pw]], axis=1)
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((max(out_h, 0), max(out_w, 0)))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u:u + out.shape[0], v:v + out.shape[1]]
    return out
