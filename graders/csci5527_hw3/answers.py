"""Problem 2(a) on the answer sheet: the value of [3, 2, 1] ⋆ [4, 6, 3, 9]. The key and the
known wrong answers (y⋆x for x⋆y, convolution for correlation) live in ``keys.py``."""
from graders.core import AnswerChecks

checks = AnswerChecks("Problem 2(a): the value, on the answer sheet", __package__)

checks.values("2.a.3", "The value of [3,2,1]⋆[4,6,3,9] written on the answer sheet", points=0.25,
              question="2.a", shape=(6,), tags=["correlation"],
              doc="The answer sheet gives x⋆y for x = [3, 2, 1], y = [4, 6, 3, 9] under the "
                  "homework's convention (x slides over a fixed y): six values, exactly.")
