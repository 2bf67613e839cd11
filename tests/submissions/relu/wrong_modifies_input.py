def relu(x):
    # mistake: sets the negative values of the caller's array to 0
    x = np.asarray(x, dtype=float)
    x[x < 0] = 0
    return x
