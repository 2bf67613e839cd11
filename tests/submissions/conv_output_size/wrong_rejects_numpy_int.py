def conv_output_size(size, kernel, padding=0, stride=1):
    # type(value) is int refuses NumPy integers (a shape entry is one)
    for value in (size, kernel, padding, stride):
        if type(value) is not int:
            raise TypeError("integers only")
    if size < 1 or kernel < 1 or padding < 0 or stride < 1 or kernel > size + 2 * padding:
        raise ValueError("invalid")
    return (size + 2 * padding - kernel) // stride + 1
