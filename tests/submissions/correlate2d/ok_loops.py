def correlate2d(image, kernel, padding="valid"):
    image = np.asarray(image)
    kernel = np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("unknown padding")
    kh, kw = kernel.shape
    h, w = image.shape
    if padding == "valid":
        if kh > h or kw > w:
            raise ValueError("kernel larger than image")
        out = np.zeros((h - kh + 1, w - kw + 1))
        for i in range(h - kh + 1):
            for j in range(w - kw + 1):
                total = 0.0
                for u in range(kh):
                    for v in range(kw):
                        total += float(image[i + u, j + v]) * float(kernel[u, v])
                out[i, j] = total
        return out
    if kh % 2 == 0 or kw % 2 == 0:
        raise ValueError("odd kernel sizes needed")
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            total = 0.0
            for u in range(kh):
                for v in range(kw):
                    y, x = i + u - kh // 2, j + v - kw // 2
                    if padding == "wrap":
                        y, x = y % h, x % w
                    elif not (0 <= y < h and 0 <= x < w):
                        continue
                    total += float(image[y, x]) * float(kernel[u, v])
            out[i, j] = total
    return out
