def relu(x):
    # mistake: absolute value instead of max(x, 0)
    return np.abs(np.asarray(x, dtype=float))
