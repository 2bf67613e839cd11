def relu(x):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.0)
