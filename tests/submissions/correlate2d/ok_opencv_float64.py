import cv2


def correlate2d(image, kernel, padding="valid"):
    image = np.asarray(image)
    kernel = np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    kh, kw = kernel.shape
    if padding == "valid":
        if kh > image.shape[0] or kw > image.shape[1]:
            raise ValueError("kernel larger than image")
        full = cv2.filter2D(image.astype(float), cv2.CV_64F, kernel.astype(float), anchor=(0, 0))
        return full[: image.shape[0] - kh + 1, : image.shape[1] - kw + 1]
    if padding not in ("same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    if kh % 2 == 0 or kw % 2 == 0:
        raise ValueError("kernel sizes must be odd")
    if padding == "same":
        return cv2.filter2D(image.astype(float), cv2.CV_64F, kernel.astype(float), borderType=cv2.BORDER_CONSTANT)
    r, c = kh // 2, kw // 2
    padded = np.pad(image.astype(float), ((r, r), (c, c)), mode="wrap")
    return cv2.filter2D(padded, cv2.CV_64F, kernel.astype(float))[r:r + image.shape[0], c:c + image.shape[1]]
