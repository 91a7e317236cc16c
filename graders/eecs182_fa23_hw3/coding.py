"""The coding questions: HandDesignFilters.ipynb (problem 1) and EdgeDetection.ipynb (problem 6).

Problem 1 is graded through the filters' impulse responses and their action on images, so any
correct blur or Laplacian passes whatever library or padding the student used. Problem 6
trains the student's ``SimpleCNN`` with the student's ``train_model`` and settings on edge
images the grader generates, in the worker; predictions come back and accuracy is counted here.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from graders.core import CheckSet, as_array, fail, prop

checks = CheckSet("Problems 1 and 6: HandDesignFilters and EdgeDetection notebooks")

SIZE = 16                  # pixels per side of the edge images
CLASSES = ("no edge", "horizontal edge", "vertical edge")
TRAIN_PER_CLASS = 20       # the homework's "20 images per class"
TEST_PER_CLASS = 40
TARGET_ACCURACY = 0.90


def edge_images(per_class: int, seed: int, size: int = SIZE):
    """Images with a horizontal edge, a vertical edge, or none (labels 1, 2, 0): a bright line
    one or two pixels wide at a random place and brightness, on sensor noise. float32
    (N, 1, size, size) images and int64 labels, the same for the same seed."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for label in range(3):
        for _ in range(per_class):
            img = rng.normal(0.0, 0.15, (size, size))
            if label:
                at, width = rng.integers(1, size - 2), rng.integers(1, 3)
                line = rng.uniform(0.6, 1.0)
                if label == 1:
                    img[at:at + width, :] += line
                else:
                    img[:, at:at + width] += line
            xs.append(img)
            ys.append(label)
    order = rng.permutation(len(ys))
    return (np.asarray(xs, np.float32)[order][:, None], np.asarray(ys, np.int64)[order])


def _response(out, image, what):
    """The student's output as a float array no larger than the image (same or valid padding)."""
    a = as_array(out, what=what)
    if a.ndim != 2 or a.shape[0] > image.shape[0] or a.shape[1] > image.shape[1]:
        fail(f"{what} returned shape {getattr(a, 'shape', None)} for a {image.shape} image; "
             f"expected a filtered image of the same size (or smaller, without padding)",
             inputs={"image.shape": image.shape})
    return a.astype(np.float64)


def _interior(a, margin):
    return a[margin:a.shape[0] - margin, margin:a.shape[1] - margin]


# -- problem 1: HandDesignFilters.ipynb --------------------------------------------------------
@checks.check("1.a", "Blurring filter: averaging_filtering", points=1, needs=["averaging_filtering"],
              tags=["filters", "notebook"])
def blurring_filter(s):
    """averaging_filtering(image, filter_size) is a blur of the requested size: its impulse
    response is non-negative, sums to 1 and fits in filter_size x filter_size; it leaves a
    constant image unchanged away from the borders and lowers the variance of noise."""
    for n in (3, 5):
        impulse = np.zeros((21, 21))
        impulse[10, 10] = 1.0
        h = _response(s.averaging_filtering(impulse, n), impulse, "averaging_filtering(impulse, filter_size)")
        inputs = {"image": "21x21 zeros with a single 1 in the middle", "filter_size": n}
        if h.min() < -1e-9:
            fail(f"the blur kernel has a negative weight ({h.min():.4g}); averaging weights are >= 0",
                 inputs=inputs, actual=h)
        if abs(h.sum() - 1) > 1e-6:
            fail(f"the blur kernel's weights sum to {h.sum():.6g}, not 1, so it changes the image's "
                 f"brightness", inputs=inputs, actual=h,
                 hint=f"divide the {n}x{n} box of ones by {n * n}")
        rows, cols = np.nonzero(np.abs(h) > 1e-12)
        height, width = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
        if height > n or width > n or (height == 1 and width == 1):
            fail(f"with filter_size={n} the kernel spans {height}x{width} pixels; expected a "
                 f"{n}x{n} neighbourhood", inputs=inputs, actual=h)

    @prop(c=st.floats(-100, 100, allow_nan=False), n=st.sampled_from([3, 5]))
    def constant(c, n):
        img = np.full((20, 20), c)
        out = _interior(_response(s.averaging_filtering(img, n), img, "averaging_filtering"), n)
        if np.max(np.abs(out - c)) > 1e-6 * max(1.0, abs(c)):
            fail("blurring a constant image changed it", inputs={"image": f"20x20, every pixel {c!r}",
                 "filter_size": n}, expected=c, actual=out)

    noise = np.random.default_rng(1).normal(0, 1, (40, 40))
    out = _interior(_response(s.averaging_filtering(noise, 3), noise, "averaging_filtering"), 3)
    ratio = out.var() / noise.var()
    if ratio > 0.5:
        fail(f"blurring white noise left {ratio:.0%} of its variance; a 3x3 average keeps about 11%",
             inputs={"image": "40x40 white noise", "filter_size": 3})


@checks.check("1.b", "Edge detection filter: edge_detecting", points=1, needs=["edge_detecting"],
              tags=["filters", "notebook"])
def edge_filter(s):
    """edge_detecting(image) is a Laplacian-type edge detector: its impulse response sums to 0
    (flat regions give 0), it is not all zero, and it responds to horizontal and vertical
    edges alike, far more at the edge than anywhere else."""
    impulse = np.zeros((21, 21))
    impulse[10, 10] = 1.0
    h = _response(s.edge_detecting(impulse), impulse, "edge_detecting(impulse)")
    inputs = {"image": "21x21 zeros with a single 1 in the middle"}
    if np.abs(h).max() < 1e-9:
        fail("edge_detecting returns all zeros for an impulse", inputs=inputs, actual=h)
    if abs(h.sum()) > 1e-6 * np.abs(h).sum():
        fail(f"the edge kernel's weights sum to {h.sum():.6g}, not 0, so flat regions do not map to 0",
             inputs=inputs, actual=h, hint="a Laplacian's centre weight is minus the sum of the others")

    @prop(c=st.floats(-100, 100, allow_nan=False))
    def flat(c):
        img = np.full((20, 20), c)
        out = _interior(_response(s.edge_detecting(img), img, "edge_detecting"), 3)
        if np.max(np.abs(out)) > 1e-6 * max(1.0, abs(c)):
            fail("a constant image (no edges) gave a non-zero response", inputs={"image": f"20x20, every pixel {c!r}"},
                 expected=0.0, actual=out)

    step = np.zeros((24, 24))
    step[:, 12:] = 1.0
    peaks = {}
    for name, img in (("vertical", step), ("horizontal", step.T.copy())):
        out = np.abs(_interior(_response(s.edge_detecting(img), img, "edge_detecting"), 3))
        peaks[name] = out.max()
    lo, hi = sorted(peaks.values())
    if hi < 1e-9 or lo < 0.5 * hi:
        weak = min(peaks, key=peaks.get)
        fail(f"the filter responds to {weak} edges {lo:.3g} against {hi:.3g} for the other orientation; "
             f"the notebook's edge detector (a Laplacian) finds edges of every orientation",
             inputs={"image": "24x24 step edge, both orientations"}, actual=peaks)


# -- problem 6: EdgeDetection.ipynb ------------------------------------------------------------
@checks.check("6.c.i", "CNN reaches 90% validation accuracy with 20 images per class", points=1,
              needs=["SimpleCNN", "train_model", "cnn_config"], tags=["training", "notebook"], budget=240)
def cnn_accuracy(s):
    """The student's SimpleCNN, trained by their train_model with their cnn_config settings on 20
    generated edge images per class, labels at least 90% of 120 held-out images correctly."""
    config = s.cnn_config.value()
    if not isinstance(config, dict):
        fail(f"cnn_config should be a dict of training settings, got {type(config).__name__}")
    train_x, train_y = edge_images(TRAIN_PER_CLASS, seed=182)
    val_x, val_y = edge_images(10, seed=183)
    test_x, test_y = edge_images(TEST_PER_CLASS, seed=184)
    preds = as_array(s.helper("fit_and_predict")(
        s.SimpleCNN.value().handle, s.train_model.value().handle, config,
        train_x, train_y, val_x, val_y, test_x), what="predictions")
    if preds.shape != test_y.shape:
        fail(f"the trained model gave predictions of shape {preds.shape} for {len(test_y)} images")
    acc = float(np.mean(preds == test_y))
    if acc < TARGET_ACCURACY:
        per_class = {CLASSES[k]: f"{np.mean(preds[test_y == k] == k):.0%}" for k in range(3)}
        fail(f"validation accuracy {acc:.1%} with settings {config}; the homework asks for at least "
             f"{TARGET_ACCURACY:.0%} with {TRAIN_PER_CLASS} images per class",
             inputs={"settings": config, "training images": f"{TRAIN_PER_CLASS} per class"},
             expected=f">= {TARGET_ACCURACY:.0%}", actual={"accuracy": f"{acc:.1%}", **per_class},
             hint="train for more epochs or raise the learning rate")
