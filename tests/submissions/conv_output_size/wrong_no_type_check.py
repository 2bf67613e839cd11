def conv_output_size(size, kernel, padding=0, stride=1):
    # int() silently turns 8.0 and 2.7 into integers
    size, kernel, padding, stride = int(size), int(kernel), int(padding), int(stride)
    if size < 1 or kernel < 1 or padding < 0 or stride < 1 or kernel > size + 2 * padding:
        raise ValueError("invalid")
    return (size + 2 * padding - kernel) // stride + 1
