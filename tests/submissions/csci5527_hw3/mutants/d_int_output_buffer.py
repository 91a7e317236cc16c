# Allocates the output with the image's dtype: an int image truncates a float filter's sums.
FAILS = {"2.d"}
DIAGNOSIS = {"2.d": "integer output"}
FILE = "problem2.py"
SOURCE = '''
def corr2d(X, Y):
    X = np.asarray(X)
    Y = np.asarray(Y)
    h, w = X.shape
    H, W = Y.shape
    Yp = np.pad(Y, ((h - 1, h - 1), (w - 1, w - 1)))
    out = np.zeros((H + h - 1, W + w - 1), dtype=Y.dtype)
    for i in range(H + h - 1):
        for j in range(W + w - 1):
            out[i, j] = np.sum(X * Yp[i:i + h, j:j + w])
    return out
'''
