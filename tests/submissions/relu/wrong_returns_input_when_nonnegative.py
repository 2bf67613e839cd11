def relu(x):
    # mistake: "nothing to do" when no value is negative, so it returns the caller's array itself
    x = np.asarray(x, dtype=float)
    if (x >= 0).all():
        return x
    return np.where(x > 0, x, 0.0)
