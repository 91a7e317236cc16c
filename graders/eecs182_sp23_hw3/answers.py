"""The answer sheet of EECS 182 Spring 2023 HW3: every written answer a machine can check.

Q1(a): the mean and spread after batch norm (the drawing itself is a manual item).
Q2(c)(d): 2-D convolution in the homework's eq. (3) sense, which flips h.
Q3(a)-(f): feature dimensions, shared with Fall 2023 Q2 (feature_dims.py).
"""
from graders.core import AnswerChecks

from . import feature_dims

q1 = AnswerChecks("Q1 Normalization layers (answer sheet)", __package__)
q1.values("1.a.mean", "(a) mean after batch norm with β = 3, γ = 1", points=0.25, shape=(),
          doc="The mean of the data after batch norm matches the key.")
q1.values("1.a.std", "(a) standard deviation after batch norm with β = 3, γ = 1", points=0.25, shape=(),
          doc="The standard deviation after batch norm matches the key.")

q2 = AnswerChecks("Q2 Convolution as a finite impulse response filter (answer sheet)", __package__)
q2.values("2.c", "(c) y = x * h, no padding, stride 1", points=1, shape=(3, 3),
          doc="The 3×3 output of eq. (3) (h flipped), exactly.")
q2.values("2.d.i", "(d.i) y with stride 1, pad 1", points=0.5, shape=(5, 5),
          doc="The 5×5 output of eq. (3) on x padded with one ring of zeros, exactly.")
q2.values("2.d.ii", "(d.ii) y with stride 2, pad 1", points=0.5, shape=(3, 3),
          doc="Every second row and column of the padded stride-1 output, exactly.")

q3 = AnswerChecks("Q3 Feature dimensions of a CNN (answer sheet)", __package__)
feature_dims.declare(q3, "3")
feature_dims.declare_gap(q3, "3", images=("g3",))

checks = (q1, q2, q3)
