"""Sleeps and waits for input: RLIMIT_CPU cannot stop either, only the wall clock can."""
import time

import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    time.sleep(10**6)


def norm(x):
    input()  # stdin is empty: EOFError
    return float(np.linalg.norm(x))
