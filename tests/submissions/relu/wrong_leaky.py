def relu(x):
    # mistake: leaky ReLU (0.01 * x for negative x)
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.01 * x)
