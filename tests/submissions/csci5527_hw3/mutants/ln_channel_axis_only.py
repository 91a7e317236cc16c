# Layer norm over the channel axis only, as a transformer's LayerNorm over features.
FAILS = {"3.ln"}
DIAGNOSIS = {}
FILE = "problem3.py"
SOURCE = '''
def layer_norm(T, eps=0.0):
    return _normalize(T, (2,), eps)
'''
