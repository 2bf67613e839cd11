import cv2


def translate(image, dy, dx, mode="constant"):
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in (dy, dx)):
        raise TypeError("shifts must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("mode must be constant or wrap")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    image = image.astype(np.float32)
    if mode == "wrap":
        return np.roll(image, (dy, dx), axis=(0, 1))
    h, w = image.shape
    matrix = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_NEAREST,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)
