"""CSCI 5527 HW3, Problem 3: the normalization zoo.

Each function takes a 4-way tensor T of size H x W x C x N (the homework's layout; e.g.
50 x 50 x 64 x 64) and returns the normalized tensor of the same shape, with gamma = 1 and
beta = 0: x̂ = (x - μ) / sqrt(σ² + eps), where μ and σ² are the mean and variance of a slice.
Compare with torch.nn.BatchNorm2d, LayerNorm and InstanceNorm2d (mind their N x C x H x W
layout). It is fine to use eps = 0 for random data.
"""
import numpy as np


def batch_norm(T, eps=0.0):
    """Batch norm: one mean and variance per channel."""
    raise NotImplementedError


def layer_norm(T, eps=0.0):
    """Layer norm: one mean and variance per sample."""
    raise NotImplementedError


def instance_norm(T, eps=0.0):
    """Instance norm: one mean and variance per sample and channel."""
    raise NotImplementedError


def relative_difference(A, B):
    """Eq. (3): ||vec(A) - vec(B)||_2 / max(||vec(A)||_2, ||vec(B)||_2)."""
    raise NotImplementedError
