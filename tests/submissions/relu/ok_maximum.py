def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0)
