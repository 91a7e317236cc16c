import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    return np.asarray(X).mean(axis=1)
