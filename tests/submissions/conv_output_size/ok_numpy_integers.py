import numbers


def conv_output_size(size, kernel, padding=0, stride=1):
    args = [size, kernel, padding, stride]
    if any(isinstance(a, (bool, np.bool_)) or not isinstance(a, numbers.Integral) for a in args):
        raise TypeError("all arguments must be integers (not bool)")
    size, kernel, padding, stride = map(int, args)
    if min(size, kernel, stride) < 1 or padding < 0 or kernel > size + 2 * padding:
        raise ValueError("invalid sizes")
    return int(np.floor_divide(size + 2 * padding - kernel, stride)) + 1
