"""NaN and inf, which compare badly: nan != nan, and inf - inf is nan."""
import numpy as np


def add_one(x):
    return np.full(np.shape(x), np.nan)


def row_means(X):
    return np.full(len(X), np.inf)


def norm(x):
    return float(np.linalg.norm(x))
