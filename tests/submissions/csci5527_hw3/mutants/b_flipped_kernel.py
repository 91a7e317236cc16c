# Builds the convolution matrix: w reversed along each row.
FAILS = {"2.b"}
DIAGNOSIS = {"2.b": "convolution matrix"}
FILE = "problem2.py"
SOURCE = '''
def corr_matrix(w, n):
    w = np.asarray(w, dtype=float)
    m = len(w)
    C = np.zeros((m + n - 1, n))
    for j in range(n):
        C[j:j + m, j] = w
    return C
'''
