def relu(x):
    # integer input gives an integer result
    return np.maximum(np.asarray(x), 0)
