def conv_output_size(size, kernel, padding=0, stride=1):
    # count the window positions one by one
    for name, value in (("size", size), ("kernel", kernel), ("padding", padding), ("stride", stride)):
        if type(value) is bool or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer")
    if size < 1 or kernel < 1 or padding < 0 or stride < 1:
        raise ValueError("size, kernel and stride must be positive, padding not negative")
    if kernel > size + 2 * padding:
        raise ValueError("the kernel does not fit")
    count, start = 0, 0
    while start + kernel <= size + 2 * padding:
        count += 1
        start += stride
    return count
