import cv2


def correlate2d(image, kernel, padding="valid"):
    image = np.asarray(image)
    kernel = np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if padding not in ("valid", "same", "wrap"):
        raise ValueError("padding must be valid, same or wrap")
    kh, kw = kernel.shape
    image = image.astype(np.float32)
    kernel = kernel.astype(np.float32)
    if padding == "valid":
        if kh > image.shape[0] or kw > image.shape[1]:
            raise ValueError("kernel larger than image")
        padded = image
    else:
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("kernel sizes must be odd")
        pads = ((kh // 2, kh // 2), (kw // 2, kw // 2))
        padded = np.pad(image, pads, mode="constant" if padding == "same" else "wrap")
    # anchor (0, 0): out[i, j] = sum padded[i + u, j + v] * kernel[u, v]; crop what needs the border
    full = cv2.filter2D(padded, cv2.CV_32F, kernel, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    return full[: padded.shape[0] - kh + 1, : padded.shape[1] - kw + 1]
