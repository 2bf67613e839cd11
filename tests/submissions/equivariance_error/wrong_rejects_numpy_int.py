def equivariance_error(f, image, dy, dx):
    # mistake: only Python ints count as shifts; np.int64(2) is refused
    if type(dy) is not int or type(dx) is not int:
        raise TypeError("dy and dx must be int")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    image = image.astype(float)
    shifted_first = np.asarray(f(np.roll(image, (dy, dx), axis=(0, 1))), dtype=float)
    filtered = np.asarray(f(image), dtype=float)
    if shifted_first.shape != image.shape or filtered.shape != image.shape:
        raise ValueError("f must keep the shape")
    return float(np.max(np.abs(shifted_first - np.roll(filtered, (dy, dx), axis=(0, 1)))))
