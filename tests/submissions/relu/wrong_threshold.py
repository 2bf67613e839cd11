def relu(x):
    # mistake: a tolerance "to be safe": values below 1e-6 are treated as zero
    x = np.asarray(x, dtype=float)
    return np.where(x > 1e-6, x, 0.0)
