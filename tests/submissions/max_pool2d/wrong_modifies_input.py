def max_pool2d(image, size=2):
    # pools in place: writes each tile's maximum into the input's top-left corner
    image = np.asarray(image)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("bad image")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    for i in range(rows):
        for j in range(cols):
            image[i, j] = image[i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return image[:rows, :cols].astype(float)
