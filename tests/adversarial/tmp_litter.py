"""Leaves files in every shared temporary folder."""
import os

import numpy as np


def add_one(x):
    for place in ("/tmp", "/var/tmp", "/dev/shm", os.environ.get("TMPDIR", "/tmp")):
        try:
            with open(os.path.join(place, "@@MARK@@"), "w") as f:
                f.write("left behind")
            os.makedirs(os.path.join(place, "@@MARK@@.d"), exist_ok=True)
        except OSError:
            pass
    return np.asarray(x) + 1


def row_means(X):
    return np.asarray(X).mean(axis=1)


def norm(x):
    return float(np.linalg.norm(x))
