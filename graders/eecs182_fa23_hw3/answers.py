"""The answer sheet of EECS 182 Fall 2023 HW3: every written answer a machine can check.

Q2: feature dimensions (shared with Spring 2023 Q3), with g3 and g4. Q3(b)(c): the recovered
filter and a transpose convolution. Q4(a)(d): output shapes, a dilated convolution and its
receptive field. Q5(b): the mean, variance and growth of dw. Q7(a)(i): ResNet-152's size.
"""
from hypothesis import strategies as st

from graders.core import AnswerChecks
from graders.eecs182_sp23_hw3 import feature_dims

q2 = AnswerChecks("Q2 Feature dimensions of a CNN (answer sheet)", __package__)
feature_dims.declare(q2, "2")
feature_dims.declare_gap(q2, "2", images=("g3", "g4"))

q3 = AnswerChecks("Q3 Convolutional networks (answer sheet)", __package__)
q3.values("3.b", "(b) the length-3 filter", points=1, shape=(3,),
          doc="The filter that, slid unflipped over [1, 4, 0, -2, 3], gives [-2, 2, 11].")
q3.values("3.c", "(c) transpose convolution, pad 0, stride 1", points=1, shape=(3, 3),
          doc="The 3×3 transpose convolution of the 2×2 input with the 2×2 filter, exactly.")

q4 = AnswerChecks("Q4 Convolutional networks and dilated convolutions (answer sheet)", __package__)
q4.dims("4.a.i", "(a.i) output shape [n, c, h, w], 3×3 kernel, stride 1, padding 1", points=0.5,
        doc="The output shape [n, c, h, w] matches the key entry by entry.")
q4.dims("4.a.ii", "(a.ii) output shape [n, c, h, w], 4×4 kernel, stride 2, padding 0", points=0.5,
        doc="The output shape [n, c, h, w] matches the key entry by entry.")
q4.values("4.d.i", "(d.i) dilated convolution of M with k, d = 2", points=0.5, shape=(1, 1),
          scalar_ok=True, doc="The dilated convolution's output matches the key exactly.")
q4.dims("4.d.ii", "(d.ii) receptive field of DilatedConv1 → DilatedConv2", points=0.5,
        doc="The receptive field size (one side, or side × side) matches the key.")

SIGMAS = st.floats(0.1, 5.0, allow_nan=False, allow_infinity=False)
GRAD_POINTS = st.fixed_dictionaries({"n": st.integers(1, 40), "k": st.integers(1, 9), "σx": SIGMAS,
                                     "σg": SIGMAS}).filter(lambda d: d["k"] <= d["n"])
q5 = AnswerChecks("Q5 Weights and gradients in a CNN (answer sheet)", __package__)
q5.values("5.b.mean", "(b) mean of dw_{h,l}", points=0.25, shape=(),
          doc="The mean of dw_{h,l} matches the key.")
q5.formula("5.b.variance", "(b) variance of dw_{h,l} in n, k, σx, σg", points=0.5,
           names=("n", "k", "σx", "σg"), domain=GRAD_POINTS,
           doc="The variance equals the key at every n ≥ k and σ drawn.")
q5.formula("5.b.growth", "(b) growth rate of the gradient's standard deviation in n", points=0.25,
           names=("n",), domain=st.fixed_dictionaries({"n": st.integers(1, 10_000)}), up_to_constant=True,
           doc="The growth rate is a constant multiple of the key's at every n drawn (so "
               "O(...) and constant factors are accepted).")

BYTES = {"": (1e6, 2**20), "MB": (1e6, 2**20), "MiB": (2**20,), "GB": (1e9, 2**30), "GiB": (2**30,),
         "KB": (1e3, 2**10), "KiB": (2**10,), "bytes": (1,), "B": (1,)}
q7 = AnswerChecks("Q7 Memory considerations when using GPUs (answer sheet)", __package__)
q7.quantity("7.a.i.params", "(a.i) trainable parameters of ResNet-152", points=0.25,
            readings={"": (1,), "M": (1e6,), "million": (1e6,)}, rtol=1e-3,
            doc="The parameter count is torchvision ResNet-152's, within 0.1% (so a count "
                "rounded to three digits with M passes).")
q7.quantity("7.a.i.size", "(a.i) estimated size of ResNet-152 in MB", points=0.25, readings=BYTES,
            rtol=5e-3,
            doc="The float32 size matches the key within 0.5%. The homework does not "
                "say whether MB means 10^6 or 2^20 bytes (the notebook divides by 1024²), so a "
                "bare number or 'MB' may be either; a value labelled MiB must be in MiB.")

checks = (q2, q3, q4, q5, q7)
