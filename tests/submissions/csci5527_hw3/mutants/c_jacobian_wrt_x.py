# Differentiates with respect to x instead of w: returns C_w.
FAILS = {"2.c"}
DIAGNOSIS = {"2.c": "Jacobian with respect to x"}
FILE = "problem2.py"
SOURCE = '''
def corr_jacobian(w, x):
    return corr_matrix(w, len(x))
'''
