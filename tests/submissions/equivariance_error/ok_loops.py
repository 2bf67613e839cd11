def equivariance_error(f, image, dy, dx):
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if isinstance(dy, bool) or not isinstance(dy, (int, np.integer)):
        raise TypeError("dy must be an integer")
    if isinstance(dx, bool) or not isinstance(dx, (int, np.integer)):
        raise TypeError("dx must be an integer")
    h, w = image.shape
    shifted = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            shifted[(i + dy) % h, (j + dx) % w] = image[i, j]
    a, b = f(shifted), f(image.astype(float))
    if np.shape(a) != (h, w) or np.shape(b) != (h, w):
        raise ValueError("f must return an array of the image's shape")
    worst = 0.0
    for i in range(h):
        for j in range(w):
            worst = max(worst, abs(float(a[(i + dy) % h, (j + dx) % w]) - float(b[i, j])))
    return worst
