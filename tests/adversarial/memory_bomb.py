"""Allocates far more memory than the machine has, in one function."""
import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    hog = []
    while True:
        hog.append(np.ones(1 << 27))  # 1 GiB a step, touched


def norm(x):
    return float(np.linalg.norm(x))
