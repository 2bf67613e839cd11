def avg_pool2d(image, size=2):
    # adds the pixels in the input's dtype: uint8 sums wrap around past 255
    image = np.asarray(image)
    if image.ndim != 2 or image.shape[0] < size or image.shape[1] < size:
        raise ValueError("bad image")
    rows, cols = image.shape[0] // size, image.shape[1] // size
    tiles = image[: rows * size, : cols * size].reshape(rows, size, cols, size)
    return tiles.sum(axis=(1, 3), dtype=image.dtype) / (size * size)
