import cv2


def correlate2d(image, kernel, padding="valid"):
    # mistake: cv2.filter2D with its defaults: output dtype of the input (uint8 clips
    # negative responses) and a reflect-101 border instead of zeros
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    if padding != "valid" and (kh % 2 == 0 or kw % 2 == 0):
        raise ValueError("odd kernel sizes needed")
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    if image.dtype not in (np.uint8, np.float32, np.float64):
        image = image.astype(float)
    out = cv2.filter2D(image, -1, kernel.astype(float)).astype(float)
    if padding == "valid":
        r, c = kh // 2, kw // 2
        return out[r:r + image.shape[0] - kh + 1, c:c + image.shape[1] - kw + 1]
    return out
