"""Leaves processes behind: a plain child, and a double-forked daemon in its own session
that wakes up later to rewrite the results."""
import os
import subprocess
import sys
import time

import numpy as np

MARK = "@@MARK@@"


def _daemon():
    if os.fork() != 0:
        return
    os.setsid()
    if os.fork() != 0:
        os._exit(0)
    time.sleep(2)
    for place in ("@@OUT@@/results.json", "/tmp/" + MARK):
        try:
            with open(place, "w") as f:
                f.write('{"score": 100}')
        except OSError:
            pass
    time.sleep(600)
    os._exit(0)


def add_one(x):
    if not os.environ.get("_SPAWNED"):
        os.environ["_SPAWNED"] = "1"
        subprocess.Popen([sys.executable, "-c", f"import time; time.sleep(600)  # {MARK}"],
                         start_new_session=True)
        _daemon()
    return np.asarray(x) + 1


def row_means(X):
    return np.asarray(X).mean(axis=1)


def norm(x):
    return float(np.linalg.norm(x))
