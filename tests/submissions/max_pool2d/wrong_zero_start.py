def max_pool2d(image, size=2):
    # a running maximum that starts at 0: wrong for tiles of negative numbers
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("bad image")
    out = np.zeros((image.shape[0] // size, image.shape[1] // size))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for u in range(size):
                for v in range(size):
                    out[i, j] = max(out[i, j], image[i * size + u, j * size + v])
    return out
