"""Answer keys for CSCI 5527 HW3 (grading process only; not shipped in the students' kit)."""

KEYS = {
    # x slides over a fixed y: x3·y1, x2·y1 + x3·y2, ... (= scipy.signal.correlate(y, x)).
    "2.a": [4, 14, 27, 33, 27, 27],
}

MISTAKES = {
    "2.a": [
        ("y⋆x instead of x⋆y", "the homework fixes y and slides x, starting with x's last "
         "element on y's first; sliding y over x reverses the result.", "[27, 27, 33, 27, 14, 4]"),
        ("convolution instead of correlation", "you flipped x (np.convolve); cross-correlation "
         "does not flip.", "[12, 26, 25, 39, 21, 9]"),
    ],
}
