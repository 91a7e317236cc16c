# Batch norm with the unbiased variance (ddof=1), as torch.var defaults to.
FAILS = {"3.bn"}
DIAGNOSIS = {"3.bn": "unbiased variance"}
FILE = "problem3.py"
SOURCE = '''
def batch_norm(T, eps=0.0):
    T = np.asarray(T, dtype=float)
    mu = T.mean(axis=(0, 1, 3), keepdims=True)
    var = T.var(axis=(0, 1, 3), keepdims=True, ddof=1)
    return (T - mu) / np.sqrt(var + eps)
'''
