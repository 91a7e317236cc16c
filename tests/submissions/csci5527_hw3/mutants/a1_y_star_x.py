# Slides y over x: computes y⋆x, the reverse of the homework's x⋆y.
FAILS = {"2.a.1"}
DIAGNOSIS = {"2.a.1": "y⋆x instead of x⋆y"}
FILE = "problem2.py"
SOURCE = '''
def corr1d(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n1, n2 = len(x), len(y)
    xpad = np.concatenate([np.zeros(n2 - 1), x, np.zeros(n2 - 1)])
    return np.array([y @ xpad[k:k + n2] for k in range(n1 + n2 - 1)])
'''
