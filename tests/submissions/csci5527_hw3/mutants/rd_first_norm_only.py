# Divides by the norm of the first tensor instead of the larger of the two.
FAILS = {"3.rd"}
DIAGNOSIS = {"3.rd": "divided by ||A|| only"}
FILE = "problem3.py"
SOURCE = '''
def relative_difference(A, B):
    a = np.ravel(A).astype(float)
    b = np.ravel(B).astype(float)
    return float(np.linalg.norm(a - b) / np.linalg.norm(a))
'''
