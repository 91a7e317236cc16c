"""EECS 182 (Fall 2023), Homework 3.

The coding notebooks (HandDesignFilters.ipynb, problem 1; EdgeDetection.ipynb, problem 6) are
graded by ``coding``; the written answers a machine can check by ``answers`` (the answer sheet).
The homework prints no point values. Decision: every lettered part is worth 1 point, split
between its checks and a manual item for what needs a person; 6(c) counts 2 (the coding 90%
test and the discussion). Total: 32 points.
"""
from pathlib import Path

from graders.core import Homework, ManualItem, Settings

from . import answers, coding

# `import torch` maps more than 3 GiB of address space on the grading machines we measured;
# the worker's address-space limit must sit above that for EdgeDetection.ipynb to run.
_LIMITS = {"memory_mb": 4096} if "memory_mb" in Settings.__dataclass_fields__ else {}

HOMEWORK = Homework(
    id="eecs182_fa23_hw3",
    title="EECS 182 Deep Neural Networks (Fall 2023) — Homework 3",
    source="homework/eecs182_fa23_hw3.md",
    problems=(coding.checks, *answers.checks),
    manual=(
        ManualItem("2.d.why", "Q2(d) why downsampling saves computation", 0.5),
        ManualItem("3.a", "Q3(a) two reasons to prefer conv layers for images", 1),
        ManualItem("4.b", "Q4(b) a 3×3 vertical-edge filter", 1),
        ManualItem("4.c", "Q4(c) a 3×3 blurring filter", 1),
        ManualItem("5.a", "Q5(a) dw and the weight after one SGD step", 1),
        ManualItem("5.c", "Q5(c) dX through 2×2 max and average pooling", 1),
        ManualItem("5.d", "Q5(d) advantages of max and average pooling", 1),
        ManualItem("6.a", "Q6(a) patterns in the learned filters", 1),
        ManualItem("6.b", "Q6(b) learned vs untrained vs edge kernels; frozen features", 1),
        ManualItem("6.c.rest", "Q6(c) ii-v: learned kernels, MLP loss, tuning, data needed", 1),
        ManualItem("6.d", "Q6(d) domain shift: the confusion matrices explained", 1),
        ManualItem("6.e", "Q6(e) when the CNN is worse than the MLP", 1),
        ManualItem("6.f", "Q6(f) max vs average pooling with more classes", 1),
        ManualItem("7.a.rest", "Q7(a) ii-iii: your GPU's memory and the CUDA context overhead", 0.5),
        ManualItem("7.b", "Q7(b) optimizer memory usage", 1),
        ManualItem("7.c", "Q7(c) batch size, accuracy, wall time and plots", 1),
        ManualItem("8.a", "Q8(a) sources used", 1),
        ManualItem("8.b", "Q8(b) collaborators", 1),
        ManualItem("8.c", "Q8(c) hours spent", 1),
    ),
    total_points=32,
    settings=Settings(
        call_timeout=120.0,
        check_budget=120.0,
        max_examples=20,
        # Grading needs the functions, not the students' own training runs and plots.
        notebook_mode="definitions",
        file_hints={"averaging_filtering": "HandDesignFilters", "edge_detecting": "HandDesignFilters",
                    "SimpleCNN": "EdgeDetection", "train_model": "EdgeDetection",
                    "cnn_config": "EdgeDetection"},
        worker_helpers=str(Path(__file__).with_name("worker_helpers.py")),
        **_LIMITS,
    ),
)
