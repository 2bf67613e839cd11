def relu(x):
    # a leaky ReLU: negative values are scaled by 0.01 instead of set to 0
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.01 * x)
