# Returns the argmax of the full correlation without converting it to the top-left corner.
FAILS = {"2.f"}
DIAGNOSIS = {"2.f": "full correlation"}
FILE = "problem2.py"
SOURCE = '''
def match_template(template, image):
    T = np.asarray(template, dtype=float)
    I = np.asarray(image, dtype=float)
    c = corr2d(T - T.mean(), I - I.mean())
    r, q = np.unravel_index(np.argmax(c), c.shape)
    return int(r), int(q)
'''
