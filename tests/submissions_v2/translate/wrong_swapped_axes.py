def translate(image, dy, dx, mode="constant"):
    if isinstance(dy, bool) or not isinstance(dy, (int, np.integer)) or not isinstance(dx, (int, np.integer)):
        raise TypeError("dy and dx must be integers")
    if mode not in ("constant", "wrap"):
        raise ValueError("unknown mode")
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError("2-D images only")
    height, width = image.shape
    out = np.zeros_like(image)
    for i in range(height):
        for j in range(width):
            row, col = i + dx, j + dy                       # x taken as the row, y as the column
            if mode == "wrap":
                row, col = row % height, col % width
            if 0 <= row < height and 0 <= col < width:
                out[row, col] = image[i, j]
    return out
