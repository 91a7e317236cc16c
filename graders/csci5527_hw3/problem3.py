"""Problem 3: the normalization zoo (1.5 points).

Tensors are H x W x C x N as in the homework; gamma = 1, beta = 0, eps = 0. The oracle is a
float64 closed form, cross-checked on every input against torch's BatchNorm2d, LayerNorm and
InstanceNorm2d at a tiny eps (BatchNorm2d refuses eps = 0 in training mode).

Tolerance: a student using the unbiased variance (ddof=1) is off by about 1/(2m) for m
pooled values. The homework's 50x50x64x64 pools m >= 2500, an error of 2e-4 or less, so
random small shapes (m <= 48, error >= 1e-2) are what catch it; 1e-5 passes float32 work.
"""
from __future__ import annotations

import functools

import numpy as np
from hypothesis import strategies as st

from graders.core import CheckSet, HarnessDeclarationError, Mistake, expect_close, prop, rel_error

checks = CheckSet("Problem 3: the normalization zoo")
NAMES = ("batch_norm", "layer_norm", "instance_norm", "relative_difference")
TOL = 1e-5
AXES = {"batch": (0, 1, 3), "layer": (0, 1, 2), "instance": (0, 1)}
TORCH_EPS = 1e-12


def closed_form(T, axes, ddof=0):
    # In place on one float64 copy: at 50x50x64x64 each temporary costs 80 MB.
    X = np.array(T, dtype=np.float64)
    X -= X.mean(axis=axes, keepdims=True)
    m = np.prod([X.shape[a] for a in np.atleast_1d(axes)])
    var = np.einsum("ijkl,ijkl->" + "".join(c for i, c in enumerate("ijkl") if i not in np.atleast_1d(axes)),
                    X, X).reshape([1 if i in np.atleast_1d(axes) else n for i, n in enumerate(X.shape)])
    X /= np.sqrt(var / (m - ddof))
    return X


def torch_norm(kind, T):
    """The same normalization by torch, on the N x C x H x W layout torch uses."""
    import torch

    H, W, C, N = T.shape
    x = torch.tensor(T, dtype=torch.float64).permute(3, 2, 0, 1)
    if kind == "batch":
        layer = torch.nn.BatchNorm2d(C, eps=TORCH_EPS, affine=False, track_running_stats=False)
    elif kind == "layer":
        layer = torch.nn.LayerNorm([C, H, W], eps=TORCH_EPS, elementwise_affine=False)
    else:
        layer = torch.nn.InstanceNorm2d(C, eps=TORCH_EPS, affine=False)
    layer = layer.double().train()
    with torch.no_grad():
        return layer(x).permute(2, 3, 1, 0).numpy()


#: Inputs up to this many values are cross-checked against torch while grading. The
#: homework's 50x50x64x64 case (10.2M values) is not: torch's copy of it would double the
#: grader's peak memory; tests/test_csci5527_hw3.py cross-checks that exact tensor instead.
TORCH_CROSS_CHECK_MAX = 100_000


def oracle(kind, T):
    want = closed_form(T, AXES[kind])
    if T.size <= TORCH_CROSS_CHECK_MAX and rel_error(want, torch_norm(kind, T)) > 1e-8:
        raise HarnessDeclarationError(f"{kind} norm: closed form and torch disagree")
    return want


def _mistakes(kind, T):
    others = [k for k in AXES if k != kind]
    out = [Mistake("unbiased variance", "the normalization layers divide by the number of "
                   "pooled values m (np.var's default, ddof=0), not m - 1.",
                   lambda: closed_form(T, AXES[kind], ddof=1))]
    for k in others:
        out.append(Mistake(f"{k} norm's axes", f"you pooled over the axes of {k} norm. "
                           f"{kind.capitalize()} norm pools over {_axes_text(AXES[kind])}.",
                           lambda k=k: closed_form(T, AXES[k])))
    out.append(Mistake("standard deviation over the whole tensor", f"{kind} norm computes one "
                       f"mean and variance per slice, pooled over {_axes_text(AXES[kind])}.",
                       lambda: closed_form(T, (0, 1, 2, 3))))
    out.append(Mistake("mean not subtracted", "x̂ = (x - μ) / σ.",
                       lambda: T / T.std(axis=AXES[kind], keepdims=True)))
    return out


def _axes_text(axes):
    return ", ".join("HWCN"[a] for a in axes)


def _tensor(seed, shape):
    # Gaussian values with an offset and scale per channel: no slice is constant, so eps = 0
    # is safe, and a missing mean subtraction or wrong axes shows.
    rng = np.random.default_rng(seed)
    H, W, C, N = shape
    return (rng.normal(size=shape) * rng.uniform(0.5, 3, (1, 1, C, 1))
            + rng.normal(0, 2, (1, 1, C, 1)))


@functools.lru_cache(maxsize=1)
def big_tensor() -> np.ndarray:
    """The homework's 50x50x64x64 tensor, in float32 to halve the memory it costs on both
    sides of the worker boundary (40 MB); the oracle still computes in float64."""
    T = _tensor(0, BIG_SHAPE).astype(np.float32)
    T.setflags(write=False)
    return T


SMALL_SHAPES = st.tuples(st.integers(2, 4), st.integers(2, 4), st.integers(2, 4), st.integers(2, 3))
BIG_SHAPE = (50, 50, 64, 64)


def _norm_check(kind):
    name = f"{kind}_norm"

    def run(s):
        fn = getattr(s, name)

        def one(T):
            expect_close(fn(T), oracle(kind, T), what=f"{name}(T)", tol=TOL, inputs={"T": T},
                         mistakes=_mistakes(kind, T))

        one(big_tensor())

        @prop(max_examples=30, seed=st.integers(0, 2**16), shape=SMALL_SHAPES)
        def _(seed, shape):
            one(_tensor(seed, shape))

    run.__doc__ = (f"{name}(T) on an H x W x C x N tensor equals torch's "
                   f"{ {'batch': 'BatchNorm2d', 'layer': 'LayerNorm', 'instance': 'InstanceNorm2d'}[kind]} "
                   f"with gamma=1, beta=0, eps=0, pooling over {_axes_text(AXES[kind])}: at the "
                   f"homework's 50x50x64x64 and at small random shapes.")
    return run


_points = {"batch": 0.4, "layer": 0.4, "instance": 0.4}
for _num, _kind in (("3.bn", "batch"), ("3.ln", "layer"), ("3.in", "instance")):
    checks.check(_num, f"{_kind.capitalize()} norm matches torch", points=_points[_kind],
                 needs=[f"{_kind}_norm"], tags=["normalization"])(_norm_check(_kind))


@checks.check("3.rd", "Relative difference, eq. (3)", points=0.3, needs=["relative_difference"],
              tags=["normalization", "metric"])
def relative_difference(s):
    """relative_difference(A, B) equals ||vec(A) - vec(B)|| / max(||vec(A)||, ||vec(B)||) for
    random tensors of any shape, including when B is the larger one."""

    @prop(max_examples=30, seed=st.integers(0, 2**16), shape=SMALL_SHAPES,
          scale=st.sampled_from([0.25, 1.0, 4.0]))
    def _(seed, shape, scale):
        rng = np.random.default_rng(seed)
        A = rng.normal(size=shape)
        B = scale * (A + 0.5 * rng.normal(size=shape))
        want = rel_error(A, B)
        na, nb, nd = np.linalg.norm(A), np.linalg.norm(B), np.linalg.norm(A - B)
        expect_close(s.relative_difference(A, B), want, what="relative_difference(A, B)", tol=1e-9,
                     inputs={"A": A, "B": B}, mistakes=(
                         Mistake("divided by ||A|| only", "eq. (3) divides by the larger of the "
                                 "two norms.", lambda: nd / na),
                         Mistake("divided by the smaller norm", "eq. (3) divides by max(||A||, "
                                 "||B||).", lambda: nd / min(na, nb)),
                         Mistake("squared norms", "eq. (3) uses the 2-norm, not its square.",
                                 lambda: nd ** 2 / max(na, nb) ** 2)))
