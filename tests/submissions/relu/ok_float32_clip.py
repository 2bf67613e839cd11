def relu(x):
    return np.clip(np.asarray(x, dtype=np.float32), 0, None)
