"""A C-level segfault through ctypes."""
import ctypes

import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    return ctypes.string_at(0)


def norm(x):
    return float(np.linalg.norm(x))
