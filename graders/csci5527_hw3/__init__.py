"""CSCI 5527 Deep Learning (Spring 2025), Homework 3.

Problems 2 (correlation and template matching, 7 points) and 3 (the normalization zoo, 1.5
points) are autograded. Problems 1 (optimizers on MNIST) and 4 (transfer learning) are listed
as manual items until their graders exist, so the scorecard accounts for all 15 points.
"""
from graders.core import Homework, ManualItem, Settings

from . import answers, problem2, problem3

# What the student's notebooks printed about the accuracy tests: shown to staff as
# student-reported values (never scored), e.g. "Test accuracy: 98.31%" or "test acc = 0.9812".
TEST_ACCURACY = r"\btest\b[^\n]{0,30}?\bacc(?:uracy)?\b[^0-9\n]{0,12}([0-9]+(?:\.[0-9]+)?\s*%?)"
ACCURACY = r"\bacc(?:uracy)?\b[^0-9\n]{0,12}([0-9]+(?:\.[0-9]+)?\s*%?)"

HOMEWORK = Homework(
    id="csci5527_hw3",
    title="CSCI 5527 Deep Learning (Spring 2025) — Homework 3",
    source="homework/csci5527_s25_hw3.md",
    problems=(problem2.checks, answers.checks, problem3.checks),
    manual=(
        ManualItem("1.a", "Network no deeper than 3 layers, with a loss", 0.5),
        ManualItem("1.b", "Adagrad, with a plot of the objective per epoch", 1),
        ManualItem("1.c", "RMSprop, with a plot of the objective per epoch", 0.5),
        ManualItem("1.d", "Adam (the original Algorithm 1), with a plot", 1.5),
        ManualItem("1.e", "The 98% test on MNIST for two of (b)-(d)", 1,
                   report=("test accuracy", TEST_ACCURACY, r"(problem|prob|p)[ _-]?1\b|mnist|optimi")),
        ManualItem("4.a", "Transfer-learning pipeline for chest X-rays", 1),
        ManualItem("4.b", "The 90% test on chest X-rays", 1,
                   report=("accuracy", ACCURACY, r"(problem|prob|p)[ _-]?4\b|x.?ray|pneumonia|transfer")),
    ),
    total_points=15,
    settings=Settings(
        call_timeout=30.0,
        check_budget=120.0,
        max_examples=60,
        file_hints={name: "problem2" for name in problem2.NAMES} | {name: "problem3" for name in problem3.NAMES},
    ),
)
