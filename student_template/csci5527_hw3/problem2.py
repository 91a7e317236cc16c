"""CSCI 5527 HW3, Problem 2: correlation and template matching.

Fill in each function; keep the names. You may add helpers. Use numpy (torch is fine too,
but return numpy arrays or tensors). Check your work with:

    python grade.py check csci5527_hw3 path/to/your/folder

The homework's convention: for x in R^n1 and y in R^n2, x ⋆ y fixes y and slides x over it,
starting with x's last element on y's first (x_{n1} with y_1) and ending with x's first
element on y's last (x_1 with y_{n2}). x ⋆ y has n1 + n2 - 1 entries.
"""
import numpy as np


def corr1d(x, y):
    """(a) Return x ⋆ y, a 1-D array of length len(x) + len(y) - 1.

    Example from the homework: corr1d([3, 2, 1], [4, 6, 3, 9]). Is x ⋆ y == y ⋆ x?
    """
    raise NotImplementedError


def corr_matrix(w, n):
    """(b) Return C_w, the (len(w) + n - 1) x n matrix with C_w @ x == w ⋆ x for every
    x in R^n. (The homework's case: w in R^3, n = 4, C_w in R^{6x4}.)"""
    raise NotImplementedError


def corr_jacobian(w, x):
    """(c) Return the Jacobian d(w ⋆ x)/dw, shape (len(w) + len(x) - 1, len(w)).
    Hint: can w ⋆ x be written as C_x w?"""
    raise NotImplementedError


def corr2d(X, Y):
    """(d) Return the full 2-D cross-correlation X ⋆ Y of X (n1 x n2) and Y (m1 x m2):
    X slides over a fixed Y from the top-left to the bottom-right, and the result is
    (n1 + m1 - 1) x (n2 + m2 - 1). Compare with scipy.signal.correlate2d(Y, X, mode='full'):
    mind which argument slides."""
    raise NotImplementedError


def gradient_magnitude(Y):
    """(e) With X1 = [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]] and X2 = X1.T, return
    (G1**2 + G2**2) ** 0.5 where G1 = X1 ⋆ Y and G2 = X2 ⋆ Y (use your corr2d)."""
    raise NotImplementedError


def match_template(template, image):
    """(f) Return (row, col): the top-left corner of the patch of `image` that best matches
    `template`, found with your corr2d. As in scipy's correlate2d example, subtract the mean
    of the template and of the image first, then take the location of the largest value."""
    raise NotImplementedError


def corr_multichannel(X, Y):
    """(g) Multichannel cross-correlation of a filter X (h x w x D) with an input Y
    (H x W x D), bias b = 0: the sum over d of X[:, :, d] ⋆ Y[:, :, d]. Return an
    (H + h - 1) x (W + w - 1) array. Test it against torch.nn.Conv2d with the right padding."""
    raise NotImplementedError
