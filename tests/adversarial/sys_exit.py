"""Calls sys.exit inside one function."""
import sys

import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    sys.exit(0)


def norm(x):
    return float(np.linalg.norm(x))
