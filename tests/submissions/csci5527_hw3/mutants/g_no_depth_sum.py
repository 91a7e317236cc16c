# Keeps one correlation map per channel instead of summing them.
FAILS = {"2.g"}
DIAGNOSIS = {"2.g": "no sum over depth"}
FILE = "problem2.py"
SOURCE = '''
def corr_multichannel(X, Y):
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    return np.stack([corr2d(X[:, :, d], Y[:, :, d]) for d in range(X.shape[2])], axis=2)
'''
