def equivariance_error(f, image, dy, dx):
    if isinstance(dy, bool) or not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("integer shifts only")
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("2-D images only")

    def shift(x):
        return np.roll(np.roll(x, dy, axis=1), dx, axis=0)   # dy along the columns, dx along the rows

    first, second = np.asarray(f(shift(image)), dtype=float), np.asarray(f(image), dtype=float)
    if first.shape != image.shape or second.shape != image.shape:
        raise ValueError("f must keep the shape")
    return float(np.abs(first - shift(second)).max())
