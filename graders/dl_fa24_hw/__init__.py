"""Homework for Deep Learning (Fall 2024): 100 points.

Autograded from the answer sheet (answers.py): Q3.1's gradient (4 of its 5 points) and Q4.1's
j, output size, padding and parameter count (8 of its 10). Everything else (the playground,
proofs, derivations, the MNIST experiments and their discussion) is a manual item until its
grader exists. Q4.2's parts print 2 + 5 + 2 + 2 points but the problem is worth 10; the
problem total wins, so 4.2.3's two questions share 3 points.
"""
from graders.core import Homework, ManualItem, Settings

from . import answers

HOMEWORK = Homework(
    id="dl_fa24_hw",
    title="Deep Learning (Fall 2024) — Homework",
    source="homework/dl_fa24_hw.md",
    problems=answers.checks,
    manual=(
        ManualItem("1.1", "Q1.1 best playground configuration, with a screenshot", 5),
        ManualItem("1.2", "Q1.2 effects of learning rate, activation, depth, regularization", 5),
        ManualItem("1.3", "Q1.3 small weights and smaller models", 5),
        ManualItem("2.1", "Q2.1 least squares as an orthogonal projection (proof)", 5),
        ManualItem("2.2", "Q2.2 convex hulls and linear separability (proof)", 5),
        ManualItem("3.1.update", "Q3.1 how θk is updated with learning rate η", 1),
        ManualItem("3.2.1", "Q3.2 (1) why the weights grow without bound", 3),
        ManualItem("3.2.2", "Q3.2 (2) how ℓ1 and ℓ2 regularization help", 2),
        ManualItem("4.1.figure", "Q4.1 which of Figures 3b and 3c is the output", 2),
        ManualItem("4.2.1", "Q4.2.1 ∂J/∂ŷ1", 2),
        ManualItem("4.2.2", "Q4.2.2 gradients of the last layer", 5),
        ManualItem("4.2.3", "Q4.2.3 ∂J/∂w22, ∂J/∂b2 and ∂J/∂w11 with cases", 3),
        ManualItem("5.1", "Q5.1 why the test loss rises in the second stage", 5),
        ManualItem("5.2", "Q5.2 one-hidden-layer MLP on MNIST, error curves", 10),
        ManualItem("5.3", "Q5.3 flooding: the best b and its curves", 10),
        ManualItem("5.4", "Q5.4 is zero training loss needed?", 5),
        ManualItem("5.5", "Q5.5 a CNN on MNIST, compared with the MLP", 15),
    ),
    total_points=100,
    settings=Settings(),
)
