"""Values of types that must not be taken as numbers: strings, object arrays, bools."""
import numpy as np


def add_one(x):
    return np.array([str(v + 1) for v in np.asarray(x).ravel()])


def row_means(X):
    out = np.empty(len(X), dtype=object)
    out[:] = list(np.asarray(X).mean(axis=1))
    return out


def norm(x):
    return str(float(np.linalg.norm(x)))
