import math


def image_distance(a, b):
    if np.shape(a) != np.shape(b):
        raise ValueError("different shapes")
    total = 0.0
    for x, y in zip(np.ravel(a), np.ravel(b)):
        total += (float(x) - float(y)) ** 2
    return math.sqrt(total)
