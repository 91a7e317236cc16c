# Correlates the raw image: bright regions beat the pattern in a real picture.
FAILS = {"2.f"}
DIAGNOSIS = {"2.f": "did not subtract the means"}
FILE = "problem2.py"
SOURCE = '''
def match_template(template, image):
    T = np.asarray(template, dtype=float)
    c = corr2d(T, np.asarray(image, dtype=float))
    r, q = np.unravel_index(np.argmax(c), c.shape)
    h, w = T.shape
    return int(r - (h - 1)), int(q - (w - 1))
'''
