"""CSCI 5527 HW3, Problem 2: correlation and template matching (reference solution).

Convention (the homework's): in x ⋆ y, x slides over a fixed y, from x's last element on
y's first to x's first element on y's last.
"""
import numpy as np


def corr1d(x, y):
    """(a) x ⋆ y, a vector of length n1 + n2 - 1."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n1, n2 = len(x), len(y)
    ypad = np.concatenate([np.zeros(n1 - 1), y, np.zeros(n1 - 1)])
    return np.array([x @ ypad[k:k + n1] for k in range(n1 + n2 - 1)])


def corr_matrix(w, n):
    """(b) C_w with C_w @ x == w ⋆ x for every x of length n; shape (len(w) + n - 1, n)."""
    w = np.asarray(w, dtype=float)
    m = len(w)
    C = np.zeros((m + n - 1, n))
    for k in range(m + n - 1):
        for i in range(m):
            j = i + k - (m - 1)  # the element of x that w[i] meets at shift k
            if 0 <= j < n:
                C[k, j] = w[i]
    return C


def corr_jacobian(w, x):
    """(c) d(w ⋆ x)/dw = C_x, shape (len(w) + len(x) - 1, len(w))."""
    w = np.asarray(w, dtype=float)
    x = np.asarray(x, dtype=float)
    m, n = len(w), len(x)
    J = np.zeros((m + n - 1, m))
    for k in range(m + n - 1):
        for i in range(m):
            j = i + k - (m - 1)
            if 0 <= j < n:
                J[k, i] = x[j]
    return J


def corr2d(X, Y):
    """(d) Full 2D cross-correlation X ⋆ Y: X slides over a fixed Y; shape
    (n1 + m1 - 1, n2 + m2 - 1)."""
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    h, w = X.shape
    H, W = Y.shape
    Yp = np.pad(Y, ((h - 1, h - 1), (w - 1, w - 1)))
    out = np.zeros((H + h - 1, W + w - 1))
    for i in range(h):
        for j in range(w):
            out += X[i, j] * Yp[i:i + H + h - 1, j:j + W + w - 1]
    return out


X1 = np.array([[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]], dtype=float)
X2 = X1.T


def gradient_magnitude(Y):
    """(e) (G1**2 + G2**2) ** 0.5 with G1 = X1 ⋆ Y and G2 = X2 ⋆ Y."""
    G1 = corr2d(X1, Y)
    G2 = corr2d(X2, Y)
    return np.sqrt(G1 ** 2 + G2 ** 2)


def match_template(template, image):
    """(f) (row, col) of the top-left corner of the patch of ``image`` that best matches
    ``template``: subtract both means, cross-correlate, take the largest value."""
    T = np.asarray(template, dtype=float)
    I = np.asarray(image, dtype=float)
    c = corr2d(T - T.mean(), I - I.mean())
    r, q = np.unravel_index(np.argmax(c), c.shape)
    h, w = T.shape
    return int(r - (h - 1)), int(q - (w - 1))


def corr_multichannel(X, Y):
    """(g) Multichannel X ⋆ Y for a filter X (h, w, D) and input Y (H, W, D), b = 0:
    output (H + h - 1, W + w - 1)."""
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    return sum(corr2d(X[:, :, d], Y[:, :, d]) for d in range(X.shape[2]))
