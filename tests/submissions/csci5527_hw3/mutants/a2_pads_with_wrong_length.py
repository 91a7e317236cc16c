# Pads the right of y with len(y) - 1 zeros instead of len(x) - 1: right whenever x is the
# shorter vector (as in the worked example), broken when x is longer.
FAILS = {"2.a.2"}
DIAGNOSIS = {}
FILE = "problem2.py"
SOURCE = '''
def corr1d(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n1, n2 = len(x), len(y)
    ypad = np.concatenate([np.zeros(n1 - 1), y, np.zeros(n2 - 1)])
    return np.array([x @ ypad[k:k + n1] for k in range(n1 + n2 - 1)])
'''
