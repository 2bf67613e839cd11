def convolve2d(image, kernel, padding="valid"):
    # the textbook formula: out[i, j] = sum image[i - u, j - v] * kernel[u, v]
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("unknown padding")
    h, w = image.shape
    kh, kw = kernel.shape
    if padding == "valid":
        if kh > h or kw > w:
            raise ValueError("kernel larger than image")
        rows, cols, oy, ox = h - kh + 1, w - kw + 1, kh - 1, kw - 1
    else:
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("odd kernel sizes needed")
        rows, cols, oy, ox = h, w, kh // 2, kw // 2
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            for u in range(kh):
                for v in range(kw):
                    y, x = i + oy - u, j + ox - v
                    if padding == "wrap":
                        y, x = y % h, x % w
                    if 0 <= y < h and 0 <= x < w:
                        out[i, j] += image[y, x] * kernel[u, v]
    return out
