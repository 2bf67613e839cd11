import cv2


def image_distance(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("different shapes")
    return float(cv2.norm(a, b, cv2.NORM_L2))
