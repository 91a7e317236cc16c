"""Comparisons that a hostile or sloppy return value cannot fool.

Values from the worker are already plain Python values and base-class numpy arrays (the
codec guarantees it). Here we still insist on the exact shape (no broadcasting), a numeric
dtype and finite values before comparing numbers, and we name the classic mistakes when a
wrong answer matches one of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .codec import Handle
from .errors import CheckFailure


def rel_error(x, y) -> float:
    """Norm relative difference, eq. (3) of CSCI 5527 HW3:
    ||vec(X) - vec(Y)||_2 / max(||vec(X)||_2, ||vec(Y)||_2), and 0 when both are zero."""
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    denom = max(np.linalg.norm(x), np.linalg.norm(y))
    if denom == 0:
        return 0.0
    return float(np.linalg.norm(x - y) / denom)


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: if the student's output matches ``alternative()``, we say so."""

    name: str
    explanation: str
    alternative: Callable[[], object]


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, Handle):
        return f"an object of type {value.type_name}"
    return f"a {type(value).__name__}"


def as_array(value, what: str, *, inputs=None, allow_complex=False) -> np.ndarray:
    """The student's value as a float64 array, or a CheckFailure saying why it is not one."""
    if isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, (list, tuple, int, float)) and not isinstance(value, bool):
        try:
            arr = np.array(value)
        except (ValueError, TypeError):
            arr = None
        if arr is None or arr.dtype == object:
            raise CheckFailure(f"{what} returned a ragged or non-numeric list; expected an array.",
                               actual=value, inputs=inputs)
    else:
        raise CheckFailure(f"{what} returned {_describe(value)}; expected a numpy array.",
                           actual=None if isinstance(value, Handle) else value, inputs=inputs)
    if arr.dtype.kind not in "biuf" + ("c" if allow_complex else ""):
        raise CheckFailure(f"{what} returned an array of dtype {arr.dtype}; expected real numbers.",
                           inputs=inputs)
    if arr.dtype.kind == "c":
        return arr.astype(np.complex128)
    return arr.astype(np.float64, copy=False)


def expect_close(actual, expected, *, what: str, tol: float, inputs=None,
                 mistakes: tuple[Mistake, ...] | list = (), hint: str | None = None) -> np.ndarray:
    """Pass when ``actual`` has exactly ``expected``'s shape, is finite, and its norm relative
    error (eq. 3) is at most ``tol``. On failure, name the first known mistake it matches."""
    expected = np.asarray(expected, dtype=np.float64)
    got = as_array(actual, what, inputs=inputs)
    if got.shape != expected.shape:
        diagnosis = _match_mistake(got, mistakes, tol)
        raise CheckFailure(
            f"{what} returned shape {got.shape}; expected shape {expected.shape}.",
            expected=expected, actual=got, inputs=inputs, diagnosis=diagnosis, hint=hint)
    if not np.all(np.isfinite(got)):
        bad = int(np.size(got) - np.count_nonzero(np.isfinite(got)))
        raise CheckFailure(f"{what} returned {bad} NaN or infinite value(s).",
                           expected=expected, actual=got, inputs=inputs, hint=hint)
    err = rel_error(got, expected)
    if not err <= tol:
        diagnosis = _match_mistake(got, mistakes, tol)
        raw = np.asarray(actual)
        if diagnosis is None and raw.dtype.kind in "biu" and not np.all(expected == np.round(expected)):
            diagnosis = (f"integer output: you returned an array of dtype {raw.dtype}, but the "
                         f"answer has fractions. Was the output allocated with an integer dtype "
                         f"(e.g. np.zeros_like of an int input)?")
        raise CheckFailure(
            f"{what} is off: relative difference {err:.3g} (eq. 3), allowed {tol:.1g}.",
            expected=expected, actual=got, inputs=inputs, diagnosis=diagnosis, hint=hint)
    return got


def _match_mistake(got: np.ndarray, mistakes, tol: float) -> str | None:
    for m in mistakes:
        try:
            alt = np.asarray(m.alternative(), dtype=np.float64)
        except Exception:  # an alternative that does not apply to this input
            continue
        if alt.shape == got.shape and np.all(np.isfinite(got)) and rel_error(got, alt) <= max(tol, 1e-9):
            return f"{m.name}: {m.explanation}"
    return None


def expect_equal(actual, expected, *, what: str, inputs=None, hint: str | None = None):
    """Exact equality for small plain values (ints, tuples of ints, strings). A bool is not
    a number here (True must not pass for 1), and arrays compare by shape and values."""
    norm = _plain(actual)
    if not _same(norm, _plain(expected)):
        raise CheckFailure(f"{what} returned {_show_plain(norm)}; expected {_show_plain(_plain(expected))}.",
                           expected=expected, actual=norm, inputs=inputs, hint=hint)
    return norm


def _plain(v):
    if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iu":
        return int(v)
    if isinstance(v, np.ndarray) and v.ndim == 1 and v.dtype.kind in "iu":
        return tuple(int(x) for x in v)
    if isinstance(v, (list, tuple)):
        return tuple(_plain(x) for x in v)
    return v


def _same(a, b) -> bool:
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return type(a) is type(b) and a == b
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype.kind == b.dtype.kind and bool(np.array_equal(a, b)))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _show_plain(v) -> str:
    text = repr(v.tolist()) if isinstance(v, np.ndarray) else repr(v)
    return text if len(text) <= 200 else text[:200] + "..."


def fail(message: str, **kw):
    raise CheckFailure(message, **kw)
