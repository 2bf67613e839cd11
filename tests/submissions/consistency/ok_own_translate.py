def consistency(predict, images, dy, dx):
    # shifts by indexing modulo the size (the translate of notebook 1, mode="wrap")
    for shift in (dy, dx):
        if type(shift) is bool or not isinstance(shift, (int, np.integer)):
            raise TypeError("shifts must be integers")
    images = list(images)
    if not images:
        raise ValueError("no images")
    results = []
    for image in images:
        image = np.asarray(image).astype(np.float32)
        if image.ndim != 2:
            raise ValueError("images must be 2-D")
        h, w = image.shape
        rows = (np.arange(h) - int(dy)) % h
        cols = (np.arange(w) - int(dx)) % w
        results.append(predict(image) == predict(image[rows][:, cols]))
    return float(np.mean(results))
