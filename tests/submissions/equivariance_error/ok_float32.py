def equivariance_error(f, image, dy, dx):
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D, not {image.ndim}-D")
    for shift in (dy, dx):
        if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
            raise TypeError("shifts must be integers")
    x = image.astype(np.float32)
    left = f(np.roll(np.roll(x, dy, axis=0), dx, axis=1))
    right = f(x)
    if np.shape(left) != x.shape or np.shape(right) != x.shape:
        raise ValueError("f changed the shape")
    right = np.roll(np.roll(right, dy, axis=0), dx, axis=1)
    return float(np.abs(np.asarray(left, np.float32) - np.asarray(right, np.float32)).max())
