from numpy.lib.stride_tricks import sliding_window_view


def max_pool2d(image, size=2):
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError("size must be an integer")
    if size < 1:
        raise ValueError("size must be a positive integer")
    image = np.asarray(image)
    if image.ndim != 2 or min(image.shape) < size:
        raise ValueError("need a 2-D image at least as large as the window")
    windows = sliding_window_view(image.astype(float), (size, size))
    return windows[::size, ::size].max(axis=(2, 3))
