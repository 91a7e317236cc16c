"""An infinite loop in import-time code, with a bare except that swallows interrupts."""
import numpy as np


def norm(x):
    return float(np.linalg.norm(x))


while True:
    try:
        pass
    except BaseException:
        pass
