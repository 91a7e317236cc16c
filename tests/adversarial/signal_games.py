"""Ignores every catchable signal, arms alarms, then never returns."""
import signal

import numpy as np

for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGXCPU,
          signal.SIGUSR1, signal.SIGPIPE):
    signal.signal(s, signal.SIG_IGN)


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    signal.alarm(1)
    while True:
        try:
            pass
        except BaseException:
            pass


def norm(x):
    return float(np.linalg.norm(x))
