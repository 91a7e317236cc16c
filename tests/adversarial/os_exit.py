"""Calls os._exit inside one function: the worker dies without a reply."""
import os

import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    os._exit(0)


def norm(x):
    return float(np.linalg.norm(x))
