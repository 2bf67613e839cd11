def relu(x):
    out = np.array(x, dtype=float, copy=True)
    out[out < 0] = 0
    return out
