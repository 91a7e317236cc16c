"""The answer sheet of the Fall 2024 Deep Learning homework: Q3.1's gradient as a formula, and
Q4.1's value j, output size, padding and parameter count.

Q3.1's formula is written per data point with z_i = θᵀx⁽ⁱ⁾, x_ik = x_k⁽ⁱ⁾, y_i and a sum over
the N points, sum_i(...); it is checked at data sets drawn by hypothesis.

Q4.1's padding question is ambiguous ("same" size with stride 2): the check accepts the
question's stride-2 reading and the stride-1 reading of "same" padding, each as a whole (keys.py).
"""
import numpy as np
from hypothesis import strategies as st

from graders.core import AnswerChecks
from graders.core import floats


@st.composite
def logistic_points(draw):
    n = draw(st.integers(1, 5))

    def per_point(elements):
        return np.array(draw(st.lists(elements, min_size=n, max_size=n)), dtype=np.float64)

    return {"N": n, "yi": per_point(st.sampled_from([0.0, 1.0])), "xik": per_point(floats(-3, 3)),
            "zi": per_point(floats(-6, 6)), "λ": draw(floats(0, 2)), "θk": draw(floats(-3, 3))}


q3 = AnswerChecks("Q3 Logistic regression (answer sheet)", __package__)
q3.formula("3.1.grad", "Q3.1 ∂f(θ)/∂θk of the ℓ2-regularized average NLL", points=4,
           names=("N", "λ", "θk", "yi", "xik", "zi"), domain=logistic_points(),
           doc="The gradient equals the key on every data set drawn (labels 0/1, any "
               "features, weights and λ ≥ 0).")

q4 = AnswerChecks("Q4.1 Convolutional neural networks (answer sheet)", __package__)
q4.values("4.1.j", "Q4.1 the value j of Y", points=2, shape=(),
          doc="j, the third row's second output of X convolved with F (no padding, stride 1), matches the key.")
q4.together("4.1.size", "Q4.1 output size of a 2×2 stride-2 filter on (6, 4)", points=2,
            questions=("4.1.size.height", "4.1.size.width"),
            doc="The output's height and width match the key.")
q4.together("4.1.padding", "Q4.1 padding that keeps the (6, 4) size", points=2,
            questions=("4.1.padding.left", "4.1.padding.top"),
            doc="The padding keeps 6 × 4 under the question's stride 2; the stride-1 reading "
                "of 'same' padding is accepted too, as a whole.")
q4.values("4.1.params", "Q4.1 parameters of one 4×4 filter, no bias", points=2, shape=(),
          doc="The parameter count of one 4×4 filter on a one-channel image, no bias, matches the key.")

checks = (q3, q4)
