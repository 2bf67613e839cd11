def conv_output_size(size, kernel, padding=0, stride=1):
    # padding added on one side only
    for value in (size, kernel, padding, stride):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError("integers only")
    if size < 1 or kernel < 1 or padding < 0 or stride < 1 or kernel > size + padding:
        raise ValueError("invalid")
    return (size + padding - kernel) // stride + 1
