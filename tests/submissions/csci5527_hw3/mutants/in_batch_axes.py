# Instance norm that also pools over the batch: that is batch norm.
FAILS = {"3.in"}
DIAGNOSIS = {"3.in": "batch norm's axes"}
FILE = "problem3.py"
SOURCE = '''
def instance_norm(T, eps=0.0):
    return _normalize(T, (0, 1, 3), eps)
'''
