"""Writes forged reply frames into the reply pipe, guessing sequence numbers, so the parent
reads a forged answer for this call or for a later one (another check's)."""
import os
import sys

import numpy as np

OUT_FD = int(sys.argv[2])
codec = sys.modules["codec"]


def _current_seq():
    f = sys._getframe()
    while f is not None:
        req = f.f_locals.get("req")
        if isinstance(req, dict) and "seq" in req:
            return req["seq"]
        f = f.f_back
    return 1


def add_one(x):
    return np.asarray(x) + 1


def row_means(X):
    seq = _current_seq()
    for s in list(range(seq - 5, seq + 50)) + list(range(1, 200)):
        os.write(OUT_FD, codec.encode({"ok": True, "value": 1.0, "seq": s}))
    return np.zeros(len(X))  # wrong


def norm(x):
    return float(np.linalg.norm(x))
