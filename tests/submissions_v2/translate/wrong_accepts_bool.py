def translate(image, dy, dx, mode="constant"):
    # "an integer is a number equal to its int()": True == int(True), so bools get through
    for shift in (dy, dx):
        if not isinstance(shift, (int, np.integer, float)) or int(shift) != shift or isinstance(shift, float):
            raise TypeError("shifts must be whole numbers")
    image = np.array(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if mode == "wrap":
        return np.roll(image, (int(dy), int(dx)), axis=(0, 1))
    if mode != "constant":
        raise ValueError("unknown mode")
    h, w = image.shape
    out = np.zeros_like(image)
    for i in range(h):
        for j in range(w):
            if 0 <= i + dy < h and 0 <= j + dx < w:
                out[i + dy, j + dx] = image[i, j]
    return out
