def relu(x):
    # mistake: keeps the input dtype (integers stay integers)
    return np.maximum(x, 0)
