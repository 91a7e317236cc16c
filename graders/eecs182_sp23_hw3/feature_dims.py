""""Feature Dimensions of Convolutional Neural Network": Spring 2023 Q3 and Fall 2023 Q2 ask
the same questions (a)-(f), so both homework declare their answer checks here, under their
own question number. The keys stay in each homework's keys.py.

Formulas are tested at points where the layer is valid (the filter fits in the padded input).
Where the course accepts two answers, each is a separate key, checked on its own.
"""
from __future__ import annotations

from hypothesis import strategies as st

from graders.core import AnswerChecks

CONV_NAMES = ("W", "H", "C", "K", "P", "S", "F")
POOL_NAMES = ("W", "H", "C", "K", "S")

CONV_POINTS = st.fixed_dictionaries({
    "W": st.integers(1, 64), "H": st.integers(1, 64), "C": st.integers(1, 16), "K": st.integers(1, 7),
    "P": st.integers(0, 3), "S": st.integers(1, 4), "F": st.integers(1, 16),
}).filter(lambda d: d["W"] + 2 * d["P"] >= d["K"] and d["H"] + 2 * d["P"] >= d["K"])
POOL_POINTS = st.fixed_dictionaries({
    "W": st.integers(1, 64), "H": st.integers(1, 64), "C": st.integers(1, 16), "K": st.integers(1, 6),
    "S": st.integers(1, 4),
}).filter(lambda d: d["W"] >= d["K"] and d["H"] >= d["K"])
DEPTH_POINTS = st.fixed_dictionaries({"L": st.integers(1, 12), "K": st.integers(1, 9)})

TABLE = (  # (row, layer, column) of the cells the table leaves blank
    ("row2", "CONV3-10 (first)", "params"),
    ("row4", "CONV3-10 (second)", "activations"),
    ("row5", "POOL2 (second)", "params"),
    ("row5", "POOL2 (second)", "activations"),
    ("row7", "FC-3", "params"),
)


def declare(checks: AnswerChecks, q: str, *, part_d_points: float = 0.5):
    """The answer checks of this problem, numbered ``q.a.weights`` ... ``q.f.g3``."""
    conv = dict(names=CONV_NAMES, domain=CONV_POINTS)
    checks.formula(f"{q}.a.weights", "(a) number of weights of a conv layer", points=0.2, **conv,
                   doc="The weight count equals the key at every valid layer drawn.")
    checks.formula(f"{q}.a.biases", "(a) number of biases of a conv layer", points=0.2, **conv,
                   doc="The bias count equals the key at every valid layer drawn.")
    checks.formula(f"{q}.a.width", "(a) output width W'", points=0.2, **conv,
                   doc="W' equals the key at every valid layer drawn, including strides that do not "
                       "divide evenly.")
    checks.formula(f"{q}.a.height", "(a) output height H'", points=0.2, **conv,
                   doc="H' equals the key at every valid layer drawn.")
    checks.formula(f"{q}.a.channels", "(a) output channels C'", points=0.2, **conv,
                   doc="C' equals the key at every valid layer drawn.")
    pool = dict(names=POOL_NAMES, domain=POOL_POINTS)
    checks.formula(f"{q}.b.width", "(b) max-pool output width W'", points=0.4, **pool,
                   doc="W' equals one of the accepted answers at every pooling layer drawn.")
    checks.formula(f"{q}.b.height", "(b) max-pool output height H'", points=0.4, **pool,
                   doc="H' equals one of the accepted answers at every pooling layer drawn.")
    checks.formula(f"{q}.b.channels", "(b) max-pool output channels C'", points=0.2, **pool,
                   doc="C' equals the key at every pooling layer drawn.")
    checks.formula(f"{q}.c", "(c) receptive field of L stride-1 K×K layers", points=1, names=("L", "K"),
                   domain=DEPTH_POINTS,
                   doc="The receptive field equals one of the answers the course accepts, for every "
                       "L and K drawn.")
    checks.values(f"{q}.d", "(d) factor by which 2×2 stride-2 max pooling grows the receptive field",
                  points=part_d_points, shape=(),
                  doc="The factor by which the receptive field grows is the course's answer.")
    for row, layer, col in TABLE:
        what = "number of parameters" if col == "params" else "dimension of activations"
        if col == "params":
            checks.values(f"{q}.e.{row}.{col}", f"(e) table: {layer}, {what}", points=0.2, shape=(),
                          doc=f"The {what} of the {layer} layer, written as a computation or a "
                              f"number, equals the key (biases included).")
        else:
            checks.dims(f"{q}.e.{row}.{col}", f"(e) table: {layer}, {what}", points=0.2,
                        doc=f"The {what} of the {layer} layer is the right shape, written "
                            f"H × W × C like the table's own entries.")


def declare_gap(checks: AnswerChecks, q: str, images=("g3", "g4")):
    points = 1 / len(images)
    for g in images:
        checks.values(f"{q}.f.{g}", f"(f) GAP features {g} of a circularly shifted edge", points=points,
                      shape=(3,), doc=f"{g} is the GAP output of the shifted image, which follows "
                                      f"from the network's invariance to circular shifts.")
