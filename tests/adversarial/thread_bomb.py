"""Starts threads without end."""
import threading
import time

import numpy as np


def _spin():
    while True:
        time.sleep(1)


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    while True:
        threading.Thread(target=_spin, daemon=True).start()


def norm(x):
    return float(np.linalg.norm(x))
