import cv2


def avg_pool2d(image, size=2):
    # INTER_AREA with a whole-number scale factor averages size x size tiles
    image = np.array(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError("need a 2-D image")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("bad window size")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    if rows == 0 or cols == 0:
        raise ValueError("image smaller than window")
    cropped = np.ascontiguousarray(image[: rows * size, : cols * size])
    return cv2.resize(cropped, (cols, rows), interpolation=cv2.INTER_AREA)
