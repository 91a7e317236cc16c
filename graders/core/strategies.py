"""One deterministic hypothesis profile and the shared array strategies.

Properties run with a fixed seed and no example database, so grading the same submission
twice gives the same examples, the same shrunk counterexample and the same message. Time
limits belong to the worker, not to hypothesis deadlines.
"""
from __future__ import annotations

import functools

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .errors import CheckFailure, StudentError

GRADING = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
    print_blob=False,
    verbosity=Verbosity.quiet,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
)

_max_examples = [GRADING.max_examples]


def set_max_examples(n: int):
    _max_examples[0] = n


def prop(max_examples: int | None = None, **strategies):
    """Run the decorated function as a property over ``strategies`` right away.

    A ``CheckFailure`` or ``StudentError`` from the smallest failing example propagates with
    that example's inputs attached, for the scorecard.
    """

    def deco(fn):
        @settings(GRADING, max_examples=max_examples or _max_examples[0])
        @given(**strategies)
        @functools.wraps(fn)
        def run(**kwargs):
            try:
                fn(**kwargs)
            except (CheckFailure, StudentError) as e:
                if e.inputs is None:
                    e.inputs = kwargs
                raise

        run()
        return fn

    return deco


def floats(lo=-10.0, hi=10.0):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def vectors(min_size=1, max_size=8, elements=None):
    return hnp.arrays(np.float64, st.integers(min_size, max_size), elements=elements or floats())


def matrices(min_side=1, max_side=6, dtype=np.float64, elements=None):
    if elements is None:
        elements = floats() if np.dtype(dtype).kind == "f" else st.integers(-9, 9)
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=2, max_dims=2, min_side=min_side,
                                              max_side=max_side), elements=elements)


def int_or_float_matrices(min_side=1, max_side=6):
    return st.one_of(matrices(min_side, max_side, np.float64), matrices(min_side, max_side, np.int64))


def tensors(shape_strategy, elements=None):
    return hnp.arrays(np.float64, shape_strategy, elements=elements or floats())
