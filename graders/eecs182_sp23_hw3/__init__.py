"""EECS 182 Deep Neural Networks (Spring 2023), Homework 3.

The homework prints no point values. Decision: every lettered part is worth 1 point (the
course's self-grades score parts), split between its machine-checkable answers (answers.py)
and a manual item for what needs a person (drawings, explanations); the optional 5(b) and the
separately submitted coding notebooks of Q5 are listed at 0 points. Total: 20 points.
"""
from graders.core import Homework, ManualItem, Settings

from . import answers

HOMEWORK = Homework(
    id="eecs182_sp23_hw3",
    title="EECS 182 Deep Neural Networks (Spring 2023) — Homework 3",
    source="homework/eecs182_sp23_hw3.md",
    problems=answers.checks,
    manual=(
        ManualItem("1.a.plot", "(a) the drawing: scaled axis and β labelled", 0.5),
        ManualItem("1.b", "(b) contours after batch norm, drawn", 1),
        ManualItem("2.a", "(a) convolution of the rect with (1/2)^n u(n), and its plot", 1),
        ManualItem("2.b", "(b) the shifted input and the property it shows", 1),
        ManualItem("3.d.why", "(d) why downsampling saves computation", 0.5),
        ManualItem("4.a", "HandDesignFilters: blurring filter image", 1),
        ManualItem("4.b", "HandDesignFilters: edge detection filter image", 1),
        ManualItem("5.code", "Batchnorm, dropout and convolution notebooks", 0,
                   why="graded in the separate Gradescope assignment Homework 3 (Code)"),
        ManualItem("5.a", "(a) computational graph of training-time batch norm", 1),
        ManualItem("5.b", "(b) optional: closed-form batch-norm backward pass", 0, why="optional, no points"),
        ManualItem("5.c", "(c) what the dropout experiment shows", 1),
        ManualItem("5.d", "(d) your network design and tuning procedure", 1),
        ManualItem("6.a", "(a) sources used", 1),
        ManualItem("6.b", "(b) collaborators", 1),
        ManualItem("6.c", "(c) hours spent", 1),
    ),
    total_points=20,
    settings=Settings(),
)
