def image_distance(a, b):
    # `moved` comes from a display-only cell above (translate(pixel, 5, 5): one pixel at 1.0),
    # read only when the function is called: grading must still run that cell.
    unit = float(moved.max())
    a, b = np.asarray(a), np.asarray(b)
    for name, x in (("a", a), ("b", b)):
        if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
            raise TypeError(f"{name} must hold real numbers, not {x.dtype}")
    if a.shape != b.shape:
        raise ValueError(f"images must have the same shape, not {a.shape} and {b.shape}")
    difference = a.astype(float) - b.astype(float)
    return unit * float(np.sqrt(np.sum(difference * difference)))
