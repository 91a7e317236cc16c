"""Answer keys for EECS 182 Spring 2023 HW3 (grading process only; not in the students' kit).

Values follow the course's inline solutions; tests/test_answers_keys.py recomputes the
numeric ones with scipy and torch.
"""
from graders.core import Accept


def feature_dims_keys(q: str) -> tuple[dict, dict]:
    """Keys and known wrong answers of "Feature Dimensions of CNN" (Sp23 Q3, Fa23 Q2)."""
    keys = {
        f"{q}.a.weights": "K^2*C*F",
        f"{q}.a.biases": "F",
        f"{q}.a.width": "floor((W - K + 2P)/S) + 1",
        f"{q}.a.height": "floor((H - K + 2P)/S) + 1",
        f"{q}.a.channels": "F",
        f"{q}.b.width": Accept("(W - K)/S + 1", "floor((W - K)/S) + 1"),
        f"{q}.b.height": Accept("(H - K)/S + 1", "floor((H - K)/S) + 1"),
        f"{q}.b.channels": "C",
        f"{q}.c": Accept("L(K - 1) + 1", "(L - 1)(K - 1) + 1"),
        f"{q}.d": 2,
        f"{q}.e.row2.params": 3 * 3 * 1 * 10 + 10,
        f"{q}.e.row4.activations": (14, 14, 10),
        f"{q}.e.row5.params": 0,
        f"{q}.e.row5.activations": (7, 7, 10),
        f"{q}.e.row7.params": 490 * 3 + 3,
    }
    mistakes = {
        f"{q}.a.weights": [("forgot the input channels", "each of the F filters is K × K × C.", "K^2 F")],
        **{f"{q}.a.{side}": [
            ("no floor", f"when S does not divide {d} − K + 2P the output is ⌊({d} − K + 2P)/S⌋ + 1; "
             "a fraction is not a size.", f"({d} - K + 2P)/S + 1"),
            ("padding on one side only", f"P pads both sides: {d} − K + 2P.", f"floor(({d} - K + P)/S) + 1"),
        ] for side, d in (("width", "W"), ("height", "H"))},
        **{f"{q}.b.{side}": [("ceiling instead of floor", f"a window that does not fit is dropped: "
                              f"⌊({d} − K)/S⌋ + 1.", f"ceil(({d} - K)/S) + 1")]
           for side, d in (("width", "W"), ("height", "H"))},
        f"{q}.c": [("L·K", "each extra K×K layer adds K − 1, not K.", "L K")],
        f"{q}.e.row2.params": [("forgot the bias", "each of the 10 filters has a bias: + 10.", "3*3*1*10")],
        f"{q}.e.row7.params": [("forgot the bias", "each of the 3 output neurons has a bias: + 3.", "490*3")],
        f"{q}.e.row4.activations": [("no padding", "CONV3 pads by 1, so the size stays 14 × 14.",
                                     "12 x 12 x 10")],
    }
    return keys, mistakes


KEYS, MISTAKES = feature_dims_keys("3")

KEYS |= {
    # BN with gamma = 1, beta = 3 of N(1.5, 0.16): standardized, then shifted to mean 3.
    "1.a.mean": 3,
    "1.a.std": 1,
    # y = x * h, true convolution (flip and drag), no padding, stride 1.
    "2.c": [[-40, -40, -40]] * 3,
    "2.d.i": [[-19, -28, -32, -36, -29], [-30, -40, -40, -40, -30], [-30, -40, -40, -40, -30],
              [-30, -40, -40, -40, -30], [49, 68, 72, 76, 59]],
    "2.d.ii": [[-19, -32, -29], [-30, -40, -30], [49, 72, 59]],
    "3.f.g3": [0, 0.8, 0],
}

MISTAKES |= {
    "1.a.mean": [("forgot to standardize", "batch norm first subtracts the batch mean 1.5, then "
                  "adds β.", "4.5")],
    "1.a.std": [("kept the input's spread", "batch norm divides by the batch standard deviation "
                 "0.4, then scales by γ = 1.", "0.4")],
    "2.c": [("correlation instead of convolution", "eq. (3) flips h ('flip and drag'); "
             "sliding h unflipped gives +40.", "[[40, 40, 40], [40, 40, 40], [40, 40, 40]]")],
    "2.d.ii": [("correlation instead of convolution", "eq. (3) flips h ('flip and drag'); "
                "sliding h unflipped changes every sign here.", "[[19, 32, 29], [30, 40, 30], [-49, -72, -59]]")],
    "3.f.g3": [("vertical and horizontal swapped", "x3 is a shifted vertical edge, like x2.",
                "[0.8, 0, 0]")],
}
