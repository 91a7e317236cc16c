"""Problem 2: correlation and template matching (7 points, 1 per part; a quarter of 2(a) is
the value written on the answer sheet, graded in answers.py).

Oracles: scipy.signal for 1-D/2-D correlation, torch (autograd and conv2d) for the Jacobian
and multichannel parts, a closed form for C_x, and planted templates for matching. The
homework's convention: in x ⋆ y, x slides over a fixed y, so x ⋆ y == correlate(y, x).
"""
from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from graders.core import CheckSet, HarnessDeclarationError, Mistake, expect_close, expect_equal, prop
from graders.core import int_or_float_matrices, vectors

from .images import scene

checks = CheckSet("Problem 2: correlation and template matching")
NAMES = ("corr1d", "corr_matrix", "corr_jacobian", "corr2d", "gradient_magnitude",
         "match_template", "corr_multichannel")

#: Exact sums in float64; 1e-6 still passes a float32 (torch) implementation, while every
#: mistake below changes the answer by O(1).
TOL = 1e-6
X1 = np.array([[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]], dtype=float)
X2 = X1.T


def _signal():
    import scipy.signal

    return scipy.signal


def oracle_corr1d(x, y):
    """x ⋆ y: x slides over a fixed y."""
    return _signal().correlate(np.asarray(y, float), np.asarray(x, float), mode="full", method="direct")


def oracle_corr2d(X, Y):
    return _signal().correlate2d(np.asarray(Y, float), np.asarray(X, float), mode="full")


def _mistakes_1d(x, y):
    return (
        Mistake("y⋆x instead of x⋆y", "the homework slides x over a fixed y (x⋆y starts with "
                "x's last element on y's first); you slid y over x, which reverses the result.",
                lambda: oracle_corr1d(y, x)),
        Mistake("convolution instead of correlation", "you flipped one vector (np.convolve); "
                "cross-correlation does not flip.", lambda: np.convolve(x, y)),
        Mistake("'same' output size", "the result must have length n1 + n2 - 1 ('full').",
                lambda: np.correlate(y, x, "same")),
        Mistake("'valid' output size", "the result must have length n1 + n2 - 1 ('full'), "
                "including partial overlaps.", lambda: np.correlate(y, x, "valid")),
    )


def _mistakes_2d(X, Y):
    sig = _signal()
    return (
        Mistake("Y⋆X instead of X⋆Y", "you slid Y over a fixed X, which rotates the result by "
                "180°; X⋆Y keeps Y fixed. Note that scipy.signal.correlate2d(Y, X) computes X⋆Y.",
                lambda: sig.correlate2d(X, Y, mode="full")),
        Mistake("convolution instead of correlation", "you flipped the filter (convolve2d); "
                "cross-correlation does not flip.", lambda: sig.convolve2d(Y, X, mode="full")),
        Mistake("'same' output size", "the output must be (n1 + m1 - 1) x (n2 + m2 - 1) "
                "('full' padding).", lambda: sig.correlate2d(Y, X, mode="same")),
        Mistake("'valid' output size", "the output must be (n1 + m1 - 1) x (n2 + m2 - 1), "
                "so pad with h - 1 and w - 1 zeros on each side.",
                lambda: sig.correlate2d(Y, X, mode="valid")),
    )


# -- (a) ---------------------------------------------------------------------------------------
@checks.check("2.a.1", "x⋆y under the homework's convention, incl. [3,2,1]⋆[4,6,3,9]",
              points=0.25, needs=["corr1d"], tags=["correlation"])
def worked_value(s):
    """corr1d(x, y) returns x⋆y with x sliding over a fixed y: the homework's worked case
    [3,2,1]⋆[4,6,3,9] and random vectors with len(x) <= len(y), against scipy.signal.correlate."""
    x, y = np.array([3.0, 2, 1]), np.array([4.0, 6, 3, 9])
    # The value itself is the answer sheet's 2.a, so it is not written here (the students'
    # kit ships this file); tests/test_csci5527_hw3.py pins the oracle to the homework's value.
    expect_close(s.corr1d(x, y), oracle_corr1d(x, y), what="corr1d([3,2,1], [4,6,3,9])", tol=TOL,
                 inputs={"x": x, "y": y}, mistakes=_mistakes_1d(x, y))

    @prop(x=vectors(1, 6), extra=st.integers(0, 4), seed=st.integers(0, 2**16))
    def _(x, extra, seed):
        y = np.random.default_rng(seed).integers(-9, 10, len(x) + extra).astype(float)
        expect_close(s.corr1d(x, y), oracle_corr1d(x, y), what="corr1d(x, y)", tol=TOL,
                     inputs={"x": x, "y": y}, mistakes=_mistakes_1d(x, y))


@checks.check("2.a.2", "x⋆y = reverse(y⋆x) for vectors of any lengths", points=0.5,
              needs=["corr1d"], tags=["correlation", "property"])
def commutation(s):
    """For all x and y, including len(x) > len(y), corr1d(x, y) equals corr1d(y, x)
    reversed, and is a cross-correlation of the two (in either convention)."""

    @prop(x=vectors(1, 7), y=vectors(1, 7))
    def _(x, y):
        xy = expect_close(s.corr1d(x, y), oracle_corr1d(x, y), what="corr1d(x, y)",
                          tol=np.inf, inputs={"x": x, "y": y})  # shape and finiteness only
        yx = expect_close(s.corr1d(y, x), oracle_corr1d(y, x), what="corr1d(y, x)", tol=np.inf,
                          inputs={"x": x, "y": y})
        expect_close(xy, yx[::-1], what="corr1d(x, y) compared with reverse(corr1d(y, x))",
                     tol=TOL, inputs={"x": x, "y": y},
                     hint="x⋆y and y⋆x hold the same inner products in opposite order.")
        ok = [np.allclose(xy, o, rtol=0, atol=1e-6 * (1 + np.abs(o).max()))
              for o in (oracle_corr1d(x, y), oracle_corr1d(y, x))]
        if not any(ok):
            expect_close(xy, oracle_corr1d(x, y), what="corr1d(x, y)", tol=TOL,
                         inputs={"x": x, "y": y}, mistakes=_mistakes_1d(x, y))


# -- (b) ---------------------------------------------------------------------------------------
def oracle_corr_matrix(w, n):
    """Column j of C_w is w ⋆ e_j."""
    return np.stack([oracle_corr1d(w, np.eye(n)[j]) for j in range(n)], axis=1)


@checks.check("2.b", "C_w x = w⋆x for every w and x", points=1, needs=["corr_matrix"],
              tags=["correlation", "matrix"])
def corr_matrix(s):
    """corr_matrix(w, n) is the (len(w)+n-1) x n matrix C_w with C_w x = w⋆x: the homework's
    6x4 case for w in R^3, then random w and n."""

    def one(w, n):
        C = oracle_corr_matrix(w, n)
        expect_close(s.corr_matrix(w, n), C, what=f"corr_matrix(w, {n})", tol=TOL,
                     inputs={"w": w, "n": n}, mistakes=(
                         Mistake("the matrix of x⋆w", "your rows are in reverse order: C_w x "
                                 "should give w⋆x (w sliding over x).", lambda: C[::-1]),
                         Mistake("convolution matrix", "you flipped w: C_w for correlation "
                                 "has w1, w2, w3 in order along each row, not reversed.",
                                 lambda: oracle_corr_matrix(w[::-1], n)),
                         Mistake("transposed", f"C_w has len(w)+n-1 = {C.shape[0]} rows and n "
                                 f"= {n} columns.", lambda: C.T)))

    one(np.array([1.0, 2.0, 3.0]), 4)

    @prop(w=vectors(1, 5), n=st.integers(1, 7))
    def _(w, n):
        one(w, n)


# -- (c) ---------------------------------------------------------------------------------------
def oracle_jacobian_closed_form(w, x):
    """C_x: J[k, i] = x[i + k - (m - 1)] (zero outside x) depends only on i + k, so C_x is the
    Hankel matrix of x zero-padded by m - 1 on both sides."""
    import scipy.linalg

    m, n = len(w), len(x)
    xp = np.concatenate([np.zeros(m - 1), np.asarray(x, float), np.zeros(m - 1)])
    return scipy.linalg.hankel(xp[: m + n - 1], xp[m + n - 2:])


def oracle_jacobian_autograd(w, x):
    import torch
    import torch.nn.functional as F

    xt = torch.tensor(x, dtype=torch.float64)
    m = len(w)

    def f(wt):  # w ⋆ x: w slides over a fixed x, i.e. conv1d with x zero-padded by m-1
        return F.conv1d(xt.view(1, 1, -1), wt.view(1, 1, -1), padding=m - 1).view(-1)

    return torch.autograd.functional.jacobian(f, torch.tensor(w, dtype=torch.float64)).numpy()


@checks.check("2.c", "Jacobian of w⋆x with respect to w equals C_x", points=1,
              needs=["corr_jacobian"], tags=["correlation", "autodiff"])
def jacobian(s):
    """corr_jacobian(w, x) equals both the closed form C_x and torch.autograd's Jacobian of
    w ↦ w⋆x, for w in R^3, x in R^4 and for random sizes."""

    def one(w, x):
        J1 = oracle_jacobian_closed_form(w, x)
        J2 = oracle_jacobian_autograd(w, x)
        if not np.allclose(J1, J2, atol=1e-12):
            raise HarnessDeclarationError("the two Jacobian oracles disagree")
        expect_close(s.corr_jacobian(w, x), J1, what="corr_jacobian(w, x)", tol=TOL,
                     inputs={"w": w, "x": x}, mistakes=(
                         Mistake("Jacobian with respect to x", "you returned C_w = d(w⋆x)/dx; "
                                 "the question asks for the derivative with respect to w.",
                                 lambda: oracle_corr_matrix(w, len(x))),
                         Mistake("the Jacobian of x⋆w", "your rows are reversed: w slides over "
                                 "a fixed x in w⋆x.", lambda: J1[::-1]),
                         Mistake("transposed", f"the Jacobian has one row per output "
                                 f"({J1.shape[0]}) and one column per weight ({J1.shape[1]}).",
                                 lambda: J1.T)))

    rng = np.random.default_rng(3)
    one(rng.normal(size=3), rng.normal(size=4))

    @prop(w=vectors(1, 5), x=vectors(1, 6))
    def _(w, x):
        one(w, x)


# -- (d) ---------------------------------------------------------------------------------------
def _check_corr2d(s, X, Y):
    expect_close(s.corr2d(X, Y), oracle_corr2d(X, Y), what="corr2d(X, Y)", tol=TOL,
                 inputs={"X": X, "Y": Y}, mistakes=_mistakes_2d(X, Y))


@checks.check("2.d", "2D full cross-correlation X⋆Y matches scipy", points=1, needs=["corr2d"],
              tags=["correlation", "2d"])
def corr2d(s):
    """corr2d(X, Y) equals scipy.signal.correlate2d(Y, X, mode='full') (X slides over Y): the
    homework's 3x3 over 5x5, 1x1, single rows and columns, a filter larger than the image,
    int and float inputs, then random shapes."""
    rng = np.random.default_rng(4)
    fixed = [
        (rng.normal(size=(3, 3)), rng.normal(size=(5, 5))),
        (np.array([[2.0]]), np.array([[3.0]])),
        (rng.normal(size=(1, 3)), rng.normal(size=(1, 6))),
        (rng.normal(size=(3, 1)), rng.normal(size=(6, 1))),
        (rng.normal(size=(4, 5)), rng.normal(size=(2, 3))),
        (rng.integers(-5, 6, (2, 3)), rng.integers(-5, 6, (4, 4))),
    ]
    for X, Y in fixed:
        _check_corr2d(s, X, Y)

    @prop(X=int_or_float_matrices(1, 5), Y=int_or_float_matrices(1, 7))
    def _(X, Y):
        _check_corr2d(s, X, Y)


# -- (e) ---------------------------------------------------------------------------------------
@checks.check("2.e", "Gradient magnitude (G1²+G2²)^½ with X1 and X2 = X1ᵀ", points=1,
              needs=["gradient_magnitude"], tags=["correlation", "image"])
def gradient_magnitude(s):
    """gradient_magnitude(Y) equals sqrt((X1⋆Y)² + (X2⋆Y)²) computed with scipy, on a 96x96
    photograph-like image (graders/csci5527_hw3/images.py) and on a small random one."""
    sig = _signal()
    for Y in (scene(), np.random.default_rng(5).normal(size=(7, 9))):
        G1 = sig.correlate2d(Y, X1, mode="full")
        G2 = sig.correlate2d(Y, X2, mode="full")
        want = np.sqrt(G1 ** 2 + G2 ** 2)
        H1, H2 = sig.correlate2d(X1, Y, mode="full"), sig.correlate2d(X2, Y, mode="full")
        expect_close(s.gradient_magnitude(Y), want, what="gradient_magnitude(Y)", tol=TOL,
                     inputs={"Y": Y}, mistakes=(
                         Mistake("no square root", "the magnitude is (G1² + G2²)^½.",
                                 lambda: G1 ** 2 + G2 ** 2),
                         Mistake("X2 = X1", "X2 is the transpose of X1 (it finds horizontal "
                                 "edges); you used X1 twice.", lambda: np.sqrt(2) * np.abs(G1)),
                         Mistake("|G1| + |G2|", "the homework squares, adds, then takes the "
                                 "square root.", lambda: np.abs(G1) + np.abs(G2)),
                         Mistake("Y⋆X instead of X⋆Y", "your corr2d slides the image over the "
                                 "filter (see 2.d), which rotates the result by 180°.",
                                 lambda: np.sqrt(H1 ** 2 + H2 ** 2)),
                         Mistake("'same' output size", "G1 = X1⋆Y is a full cross-correlation, "
                                 "(H+2) x (W+2).", lambda: want[1:-1, 1:-1])))


# -- (f) ---------------------------------------------------------------------------------------
def oracle_match(T, I):
    c = _signal().correlate2d(I - I.mean(), T - T.mean(), mode="valid")
    r, q = np.unravel_index(np.argmax(c), c.shape)
    return int(r), int(q)


def _template_mistakes(T, I, r, c):
    h, w = T.shape
    full = _signal().correlate2d(I, T, mode="valid")
    raw = tuple(int(v) for v in np.unravel_index(np.argmax(full), full.shape))
    return {
        (r + h - 1, c + w - 1): "you returned the index of the maximum in the full "
                                "correlation; subtract (h - 1, w - 1) to get the top-left corner.",
        (c, r): "you returned (col, row); the function returns (row, col).",
        (r + h // 2, c + w // 2): "you returned the centre of the match; return its top-left corner.",
        raw: "you did not subtract the means, so bright regions win over the pattern "
             "(scipy's example subtracts them first).",
    }


def _check_match(s, T, I, r, c):
    got = s.match_template(T, I)
    try:
        expect_equal(got, (r, c), what="match_template(template, image)",
                     inputs={"template": T, "image": I})
    except Exception as e:
        diag = _template_mistakes(T, I, r, c).get(_as_pair(got))
        if diag and _as_pair(got) != (r, c):
            e.diagnosis = diag
        raise


def _as_pair(v):
    try:
        return tuple(int(x) for x in np.asarray(v).ravel()[:2]) if np.size(v) == 2 else None
    except (TypeError, ValueError):
        return None


@checks.check("2.f", "Template matching finds planted templates", points=1,
              needs=["match_template"], tags=["correlation", "template"])
def template_matching(s):
    """match_template(template, image) returns the (row, col) top-left corner of templates
    planted at random places in noise and cut from the photograph-like image under noise,
    wherever scipy's mean-subtracted correlate2d also finds them."""
    img = scene()

    @prop(max_examples=25, seed=st.integers(0, 2**16), h=st.integers(3, 7), w=st.integers(3, 7))
    def in_noise(seed, h, w):
        rng = np.random.default_rng(seed)
        I = rng.normal(size=(30, 34))
        T = 4 * rng.normal(size=(h, w))
        r, c = int(rng.integers(0, 30 - h + 1)), int(rng.integers(0, 34 - w + 1))
        I[r:r + h, c:c + w] = T
        assume(oracle_match(T, I) == (r, c))
        _check_match(s, T, I, r, c)

    @prop(max_examples=10, seed=st.integers(0, 2**16))
    def in_image(seed):
        rng = np.random.default_rng(seed)
        h, w = 12, 14
        r, c = int(rng.integers(0, img.shape[0] - h)), int(rng.integers(0, img.shape[1] - w))
        T = img[r:r + h, c:c + w].copy()
        I = img + rng.normal(0, 5, img.shape)
        assume(oracle_match(T, I) == (r, c))
        _check_match(s, T, I, r, c)


# -- (g) ---------------------------------------------------------------------------------------
def oracle_multichannel(X, Y):
    import torch
    import torch.nn.functional as F

    h, w, _ = X.shape
    inp = torch.tensor(Y, dtype=torch.float64).permute(2, 0, 1)[None]
    ker = torch.tensor(X, dtype=torch.float64).permute(2, 0, 1)[None]
    return F.conv2d(inp, ker, padding=(h - 1, w - 1))[0, 0].numpy()


def _check_multichannel(s, X, Y):
    sig = _signal()
    D = X.shape[2]
    expect_close(s.corr_multichannel(X, Y), oracle_multichannel(X, Y), what="corr_multichannel(X, Y)",
                 tol=TOL, inputs={"X": X, "Y": Y}, mistakes=(
                     Mistake("Y⋆X instead of X⋆Y", "you slid the input over the filter, which "
                             "rotates the output by 180°.",
                             lambda: sum(sig.correlate2d(X[:, :, d], Y[:, :, d]) for d in range(D))),
                     Mistake("convolution instead of correlation", "you flipped the filter; "
                             "conv2d in PyTorch is a cross-correlation.",
                             lambda: sum(sig.convolve2d(Y[:, :, d], X[:, :, d]) for d in range(D))),
                     Mistake("no sum over depth", "eq. (1) sums the D per-channel correlations "
                             "into one map.",
                             lambda: np.stack([sig.correlate2d(Y[:, :, d], X[:, :, d])
                                               for d in range(D)], axis=2)),
                     Mistake("'same' output size", "the output is (H + h - 1) x (W + w - 1).",
                             lambda: sum(sig.correlate2d(Y[:, :, d], X[:, :, d], mode="same")
                                         for d in range(D)))))


@checks.check("2.g", "Multichannel correlation matches torch conv2d", points=1,
              needs=["corr_multichannel"], tags=["correlation", "multichannel"])
def multichannel(s):
    """corr_multichannel(X, Y) for a filter X (h, w, D) and input Y (H, W, D) equals
    torch.nn.functional.conv2d padded to (H+h-1) x (W+w-1): the homework's H=W=D=50, h=w=3,
    then random small shapes."""
    rng = np.random.default_rng(7)
    _check_multichannel(s, rng.normal(size=(3, 3, 50)), rng.normal(size=(50, 50, 50)))

    @prop(max_examples=30, seed=st.integers(0, 2**16), h=st.integers(1, 4), w=st.integers(1, 4),
          H=st.integers(1, 6), W=st.integers(1, 6), D=st.integers(1, 4))
    def _(seed, h, w, H, W, D):
        r = np.random.default_rng(seed)
        _check_multichannel(s, r.normal(size=(h, w, D)), r.normal(size=(H, W, D)))
