import math


def cosine_similarity(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("a and b must have the same shape")
    dot = norm_a = norm_b = 0.0
    for x, y in zip(a.ravel().tolist(), b.ravel().tolist()):
        dot += x * y
        norm_a += x * x
        norm_b += y * y
    if norm_a == 0 or norm_b == 0:
        return 0.0
    return max(-1.0, min(1.0, dot / (math.sqrt(norm_a) * math.sqrt(norm_b))))
