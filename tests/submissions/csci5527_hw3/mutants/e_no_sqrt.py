# Forgets the square root of the gradient magnitude.
FAILS = {"2.e"}
DIAGNOSIS = {"2.e": "no square root"}
FILE = "problem2.py"
SOURCE = '''
def gradient_magnitude(Y):
    G1 = corr2d(X1, Y)
    G2 = corr2d(X2, Y)
    return G1 ** 2 + G2 ** 2
'''
