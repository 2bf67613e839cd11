def strided_correlate2d(image, kernel, stride):
    # stride may be any integer type: int(stride) after the checks
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if isinstance(stride, (bool, np.bool_)) or not isinstance(stride, (int, np.integer)):
        raise TypeError("stride must be an integer")
    stride = int(stride)
    if stride < 1:
        raise ValueError("stride must be at least 1")
    kh, kw = kernel.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    rows = range(0, image.shape[0] - kh + 1, stride)
    cols = range(0, image.shape[1] - kw + 1, stride)
    image, kernel = image.astype(np.float64), kernel.astype(np.float64)
    return np.array([[float(np.sum(image[i:i + kh, j:j + kw] * kernel)) for j in cols] for i in rows])
