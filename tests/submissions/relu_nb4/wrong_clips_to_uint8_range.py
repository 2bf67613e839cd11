def relu(x):
    # clips to the range of a uint8 image: large values are cut off
    return np.clip(np.asarray(x, dtype=float), 0, 255)
