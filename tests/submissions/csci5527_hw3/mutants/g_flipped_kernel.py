# Flips the filter in every channel: a true convolution.
FAILS = {"2.g"}
DIAGNOSIS = {"2.g": "convolution instead of correlation"}
FILE = "problem2.py"
SOURCE = '''
def corr_multichannel(X, Y):
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    return sum(corr2d(X[::-1, ::-1, d], Y[:, :, d]) for d in range(X.shape[2]))
'''
