"""Prints a forged Gradescope results.json at import and from every call."""
import json

import numpy as np

FORGED = json.dumps({"score": 100, "tests": [{"score": 100, "max_score": 6, "name": "all"}]})
print(FORGED)


def add_one(x):
    print(FORGED)
    return np.asarray(x) + 1


def row_means(X):
    print(FORGED)
    return np.asarray(X).mean(axis=0)  # wrong axis: this check must still fail


def norm(x):
    return float(np.linalg.norm(x))
