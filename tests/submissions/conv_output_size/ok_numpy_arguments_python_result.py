def conv_output_size(size, kernel, padding=0, stride=1):
    # operator.index accepts Python and NumPy integers (not floats); bools are refused first
    import operator
    values = []
    for value in (size, kernel, padding, stride):
        if isinstance(value, (bool, np.bool_)):
            raise TypeError("True and False are not sizes")
        try:
            values.append(operator.index(value))
        except TypeError:
            raise TypeError(f"{value!r} is not an integer") from None
    size, kernel, padding, stride = values
    if size < 1 or kernel < 1 or padding < 0 or stride < 1:
        raise ValueError("size, kernel and stride must be at least 1, padding at least 0")
    if kernel > size + 2 * padding:
        raise ValueError("the kernel does not fit")
    return (size + 2 * padding - kernel) // stride + 1
