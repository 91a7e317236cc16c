"""The answer keys against independent sources: scipy and torch recompute every numeric key,
and torch's own layers confirm the formula keys at sample points."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as tf

from graders.core.answers import Accept, evaluate, parse
from graders.csci5527_hw3 import keys as csci
from graders.dl_fa24_hw import keys as fa24
from graders.eecs182_fa23_hw3 import keys as fa23
from graders.eecs182_sp23_hw3 import keys as sp23


def _formula(text, **env):
    return float(evaluate(parse(text, names=None).tree, {k: float(v) for k, v in env.items()}))


def test_csci_2a_is_scipy_correlate():
    assert csci.KEYS["2.a"] == scipy.signal.correlate([4, 6, 3, 9], [3, 2, 1]).tolist()


def test_sp23_q2_is_scipy_convolve2d():
    x = np.arange(1, 26).reshape(5, 5)
    h = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    assert scipy.signal.convolve2d(x, h, "valid").tolist() == sp23.KEYS["2.c"]
    same = scipy.signal.convolve2d(x, h, "same")  # zero padding 1, stride 1
    assert same.tolist() == sp23.KEYS["2.d.i"]
    assert same[::2, ::2].tolist() == sp23.KEYS["2.d.ii"]


def test_fa23_numeric_keys_by_torch():
    sig = np.array([1, 4, 0, -2, 3])
    assert np.correlate(sig, fa23.KEYS["3.b"], "valid").tolist() == [-2, 2, 11]
    x = torch.tensor([[-1.0, 2], [3, 1]])[None, None]
    f = torch.tensor([[1.0, -1], [0, 1]])[None, None]
    assert tf.conv_transpose2d(x, f)[0, 0].tolist() == fa23.KEYS["3.c"]
    inp = torch.zeros(10, 3, 32, 32)
    assert tuple(torch.nn.Conv2d(3, 64, 3, 1, 1)(inp).shape) == fa23.KEYS["4.a.i"]
    assert tuple(torch.nn.Conv2d(3, 64, 4, 2, 0)(inp).shape) == fa23.KEYS["4.a.ii"]
    m = torch.arange(1.0, 10).reshape(1, 1, 3, 3)
    assert tf.conv2d(m, torch.ones(1, 1, 2, 2), dilation=2)[0, 0].tolist() == fa23.KEYS["4.d.i"]
    # Receptive field of conv(3, d=1) -> conv(3, d=2): the input pixels one output depends on.
    img = torch.zeros(1, 1, 21, 21, requires_grad=True)
    out = tf.conv2d(tf.conv2d(img, torch.ones(1, 1, 3, 3)), torch.ones(1, 1, 3, 3), dilation=2)
    out[0, 0, 7, 7].backward()
    rows, cols = np.nonzero(img.grad[0, 0].numpy())
    assert (np.ptp(rows) + 1, np.ptp(cols) + 1) in [(k[0], k[0]) if len(k) == 1 else k for k in fa23.KEYS["4.d.ii"].options]


@pytest.mark.slow
def test_fa23_resnet152_by_torchvision():
    import torchvision

    n = sum(p.numel() for p in torchvision.models.resnet152().parameters())
    assert n == fa23.KEYS["7.a.i.params"] and 4 * n == fa23.KEYS["7.a.i.size"]


def test_feature_dimension_formulas_match_torch_layers():
    keys = sp23.KEYS
    for W, K, P, S in itertools.product((5, 8, 11), (1, 2, 3), (0, 1, 2), (1, 2, 3)):
        if W + 2 * P < K:
            continue
        got = tf.conv2d(torch.zeros(1, 2, W, W + 1), torch.zeros(4, 2, K, K), stride=S, padding=P).shape
        assert got[2] == _formula(keys["3.a.width"], W=W, K=K, P=P, S=S)
        assert got[3] == _formula(keys["3.a.height"], H=W + 1, K=K, P=P, S=S)
        if W >= K and P == 0:
            pooled = tf.max_pool2d(torch.zeros(1, 2, W, W), K, S).shape[2]
            assert pooled == _formula(keys["3.b.width"].options[1], W=W, K=K, S=S)
    assert _formula(keys["3.a.weights"], K=3, C=5, F=7) == torch.nn.Conv2d(5, 7, 3).weight.numel()


@pytest.mark.parametrize("L, K", [(1, 3), (2, 3), (3, 5), (4, 2)])
def test_receptive_field_key_by_autograd(L, K):
    x = torch.zeros(1, 1, 40, 40, requires_grad=True)
    y = x
    for _ in range(L):
        y = tf.conv2d(y, torch.ones(1, 1, K, K))
    y[0, 0, 0, 0].backward()
    width = int(np.nonzero(x.grad[0, 0, 0].numpy())[0].max()) + 1
    assert width == _formula(sp23.KEYS["3.c"].options[0], L=L, K=K)


def test_fa24_q41_by_torch():
    X = torch.tensor([[-15, -10, -13, 12, 6, 2], [8, 12, 10, -1, 3, -15], [8, 10, 11, -14, -14, 5],
                      [-4, 4, -11, -6, 13, 14], [-13, 3, 8, -3, -2, 15], [14, 12, -2, -9, -11, 0]],
                     dtype=torch.float64)[None, None]
    F = torch.tensor([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=torch.float64)[None, None] / 16
    assert tf.conv2d(X, F)[0, 0, 2, 1].item() == fa24.KEYS["4.1.j"]
    assert tuple(tf.conv2d(torch.zeros(1, 1, 6, 4), torch.zeros(1, 1, 2, 2), stride=2).shape[2:]) == fa24.KEYS["4.1.size"]
    lr, tb = fa24.KEYS["4.1.padding"].options[0]
    out = tf.conv2d(torch.zeros(1, 1, 6, 4), torch.zeros(1, 1, 2, 2), stride=2, padding=(tb, lr))
    assert tuple(out.shape[2:]) == (6, 4)
    assert torch.nn.Conv2d(1, 1, 4, stride=2, bias=False).weight.numel() == fa24.KEYS["4.1.params"]


def test_fa24_gradient_key_by_autograd():
    rng = np.random.default_rng(0)
    N, M, k, lam = 5, 3, 1, 0.7
    X = torch.tensor(rng.normal(size=(N, M)), dtype=torch.float64)
    y = torch.tensor(rng.integers(0, 2, N), dtype=torch.float64)
    theta = torch.tensor(rng.normal(size=M), dtype=torch.float64, requires_grad=True)
    z = X @ theta
    f = (-y * z + torch.log1p(torch.exp(z))).mean() + lam / 2 * (theta ** 2).sum()
    f.backward()
    env = {"N": N, "λ": lam, "θk": theta[k].item(), "yi": y.numpy(), "xik": X[:, k].numpy(),
           "zi": z.detach().numpy(), "__sum_count__": N}
    names = ("N", "λ", "θk", "yi", "xik", "zi")
    got = float(evaluate(parse(fa24.KEYS["3.1.grad"], names=names).tree, env))
    assert got == pytest.approx(theta.grad[k].item(), rel=1e-12)


def test_every_accept_option_is_distinct():
    for mod in (csci, sp23, fa23, fa24):
        for key in mod.KEYS.values():
            if isinstance(key, Accept):
                assert len(set(map(str, key.options))) == len(key.options)
