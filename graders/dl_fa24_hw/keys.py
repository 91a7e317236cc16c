"""Answer keys for Fall 2024 Deep Learning homework (grading process only; not in the kit).

tests/test_answers_keys.py recomputes the Q4.1 values with torch.
"""
from graders.core import Accept

KEYS = {
    # d/dθk of the mean NLL plus (λ/2)Σθj², with z_i = θᵀx⁽ⁱ⁾ and x_ik = x_k⁽ⁱ⁾.
    "3.1.grad": "1/N sum_i((sigmoid(z_i) - y_i) x_ik) + λ θ_k",
    # Y[2, 1] of X correlated with F (no padding, stride 1): -14/16.
    "4.1.j": -0.875,
    "4.1.size": (3, 2),
    # Stride 2 (the question's): ⌊(6 + 2p − 2)/2⌋ + 1 = 6 needs p = 3, ⌊(4 + 2p − 2)/2⌋ + 1 = 4
    # needs p = 2. Stride 1 ("same" padding's usual meaning): 2 − 1 = 1 pixel, half a side.
    "4.1.padding": Accept((2, 3), (0.5, 0.5)),
    "4.1.params": 16,
}

MISTAKES = {
    "3.1.grad": [
        ("sign flipped", "the gradient of the NLL is (σ(z) − y)x; (y − σ(z))x is the direction of "
         "ascent.", "1/N sum_i((y_i - sigmoid(z_i)) x_ik) + λ θ_k"),
        ("forgot the 1/N", "J is the average over the N points.", "sum_i((sigmoid(z_i) - y_i) x_ik) + λ θ_k"),
        ("forgot the regularizer", "d/dθk of (λ/2)Σθj² is λθk.", "1/N sum_i((sigmoid(z_i) - y_i) x_ik)"),
    ],
    "4.1.j": [("forgot the 1/16", "F is (1/16) times the integer matrix.", "-14")],
    "4.1.size": [("no stride", "with stride (2, 2) only every second position is kept.", "(5, 3)")],
    "4.1.padding": [("height and width swapped", "the first value of each tuple is the height: "
                     "top = bottom = 3, left = right = 2.", "(3, 2)")],
    "4.1.params": [("added a bias", "Q4.1 says the layer uses no bias: 4 × 4 = 16.", "17"),
                   ("counted the outputs", "parameters are the filter's weights, not the 10 × 10 "
                    "outputs.", "100")],
}
