import math


def strided_correlate2d(image, kernel, stride):
    # rounds the output size up and pads the missing pixels with zeros (like ceil_mode=True)
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)):
        raise TypeError("stride must be an integer")
    if stride < 1:
        raise ValueError("stride must be at least 1")
    kh, kw = kernel.shape
    if kh > image.shape[0] or kw > image.shape[1]:
        raise ValueError("kernel larger than image")
    out_h = math.ceil((image.shape[0] - kh) / stride) + 1
    out_w = math.ceil((image.shape[1] - kw) / stride) + 1
    padded = np.zeros(((out_h - 1) * stride + kh, (out_w - 1) * stride + kw))
    padded[:image.shape[0], :image.shape[1]] = image
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(padded[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out
