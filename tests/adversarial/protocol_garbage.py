"""Writes garbage and a huge length prefix into the reply pipe, then returns."""
import os
import struct
import sys

import numpy as np

OUT_FD = int(sys.argv[2])


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    os.write(OUT_FD, b"GRD1" + struct.pack("<QQ", 1 << 40, 1 << 40) + b"garbage")
    return np.asarray(X).mean(axis=1)


def norm(x):
    return float(np.linalg.norm(x))
