"""Wrong shapes that broadcast: a 0-d array, a length-1 vector, a broadcast view."""
import numpy as np


def add_one(x):
    x = np.asarray(x)
    return np.array(float(x.mean() + 1))  # 0-d: broadcasts against anything


def row_means(X):
    X = np.asarray(X)
    return np.broadcast_to(X.mean(), (1,))  # shape (1,), broadcastable to (n,)


def norm(x):
    return np.array([float(np.linalg.norm(x))] * 2)  # shape (2,) for a scalar answer
