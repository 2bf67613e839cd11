import cv2


def max_pool2d(image, size=2):
    image = np.array(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError("need a 2-D image")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("bad window size")
    if image.shape[0] < size or image.shape[1] < size:
        raise ValueError("image smaller than window")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    dense = cv2.dilate(image, np.ones((size, size), np.uint8), anchor=(0, 0))
    return dense[: rows * size: size, : cols * size: size].copy()
