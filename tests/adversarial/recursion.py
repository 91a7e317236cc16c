"""Recursion to the stack limit, with the limit raised first."""
import sys

import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def _down(n):
    return _down(n + 1) + 1


def row_means(X):
    sys.setrecursionlimit(10**7)
    return _down(0)


def norm(x):
    return float(np.linalg.norm(x))
