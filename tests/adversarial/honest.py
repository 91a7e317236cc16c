"""Control: a correct submission with no attack."""
import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    return np.asarray(X).mean(axis=1)


def norm(x):
    return float(np.sqrt(np.sum(np.asarray(x) ** 2)))
