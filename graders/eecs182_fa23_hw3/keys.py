"""Answer keys for EECS 182 Fall 2023 HW3 (grading process only; not in the students' kit).

Q2 repeats Spring 2023 Q3, whose keys come from the course's inline solutions there;
tests/test_answers_keys.py recomputes the numeric keys here with torch and torchvision.
"""
from graders.core import Accept
from graders.eecs182_sp23_hw3.keys import feature_dims_keys

KEYS, MISTAKES = feature_dims_keys("2")

KEYS |= {
    # x3 is x2's vertical edge shifted circularly; x4 is x1's horizontal edge shifted.
    "2.f.g3": [0, 0.8, 0],
    "2.f.g4": [0.8, 0, 0],
    # [1, 4, 0, -2, 3] correlated (not flipped) with the filter gives [-2, 2, 11].
    "3.b": [2, -1, 3],
    "3.c": [[-1, 3, -2], [3, -3, 1], [0, 3, 1]],
    "4.a.i": (10, 64, 32, 32),
    "4.a.ii": (10, 64, 15, 15),
    "4.d.i": [[20]],
    "4.d.ii": Accept((7,), (7, 7)),
    # dw_hl = sum over the m x m outputs of x dy, m = n - k + 1 terms, each of variance σx²σg².
    "5.b.mean": 0,
    "5.b.variance": "(n - k + 1)^2 σx^2 σg^2",
    "5.b.growth": "n",
    # torchvision resnet152: sum(p.numel() for p in model.parameters()); 4 bytes each.
    "7.a.i.params": 60_192_808,
    "7.a.i.size": 60_192_808 * 4,
}

MISTAKES |= {
    "2.f.g3": [("orientation swapped", "x3 is a shifted vertical edge, like x2.", "[0.8, 0, 0]")],
    "2.f.g4": [("orientation swapped", "x4 is a shifted horizontal edge, like x1.", "[0, 0.8, 0]")],
    "3.b": [("flipped filter", "the problem does not flip the filter; you found the filter of a "
             "true convolution.", "[3, -1, 2]")],
    "3.c": [("flipped filter", "transpose convolution places the filter as given, unflipped.",
             "[[-1, 2, 0], [4, -2, 2], [-3, 2, 1]]")],
    "4.a.ii": [("off by one", "⌊(32 − 4 + 0)/2⌋ + 1 = 15.", "[10, 64, 14, 14]")],
    "4.a.i": [("forgot the padding", "padding 1 keeps 32: (32 − 3 + 2)/1 + 1.", "[10, 64, 30, 30]")],
    "4.d.ii": [("no dilation", "the second layer's 3×3 kernel with d = 2 spans 5 pixels, adding 4.",
                "5 x 5")],
    "5.b.variance": [
        ("off by one", "there are m = n − k + 1 outputs per side.", "(n - k)^2 σx^2 σg^2"),
        ("forgot the square", "dw sums m² = (n − k + 1)² independent terms.", "(n - k + 1) σx^2 σg^2"),
    ],
    "7.a.i.params": [("ResNet-101", "that is ResNet-101's count; ResNet-152 has 60.2 M.", "44.5 M")],
    "7.a.i.size": [("MB written as MiB", "240.8 is the size in MB (10^6 bytes); in MiB it is 229.6.",
                    "240.8 MiB"),
                   ("8 bytes per parameter", "the parameters are float32, 4 bytes each.", "481.5 MB")],
}
