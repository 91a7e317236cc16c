"""Burns CPU in several processes at once, so CPU time runs ahead of the wall clock."""
import multiprocessing as mp

import numpy as np


def _spin():
    while True:
        pass


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    for _ in range(3):
        mp.get_context("fork").Process(target=_spin, daemon=True).start()
    _spin()


def norm(x):
    return float(np.linalg.norm(x))
