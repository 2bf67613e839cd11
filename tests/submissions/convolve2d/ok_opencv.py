import cv2


def convolve2d(image, kernel, padding="valid"):
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2:
        raise ValueError("kernel must be 2-D")
    return correlate2d(image, cv2.flip(kernel, -1), padding)
