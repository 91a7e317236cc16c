"""What a homework looks like inside the students' self-check kit.

In the kit (``secrets.kit_mode()``) only visible checks exist: hidden, after-due-date and
after-published checks are neither run nor listed, and their code is not shipped
(``bundle.py`` blanks it). Answer keys are absent too, so a key-graded check can only
validate an answer's format. The note below says both things on every kit result, so that
"all visible checks passed" is never read as full marks.
"""
from __future__ import annotations

import dataclasses

from .checks import CheckSet, Homework

_withheld: dict[str, tuple[int, float]] = {}


def view(hw: Homework) -> Homework:
    """``hw`` with only its visible checks (the kit's view)."""
    problems = []
    withheld = [c for c in hw.checks if c.visibility != "visible"]
    for p in hw.problems:
        cs = CheckSet(p.title)
        cs.checks = [c for c in p if c.visibility == "visible"]
        problems.append(cs)
    _withheld[hw.id] = (len(withheld), sum(c.points for c in withheld))
    # total_points no longer adds up once checks are withheld; the note accounts for them.
    return dataclasses.replace(hw, problems=tuple(problems), total_points=None)


def note(hw: Homework) -> str:
    n, points = _withheld.get(hw.id, (0, 0.0))
    text = ("Self-check kit: this runs only the visible checks, without the answer keys. A check "
            "graded against a secret answer key only validates your answer's format and shape "
            "here, so passing every check in the kit does not mean full marks.")
    if n:
        text += (f" {n} hidden check{'s' if n != 1 else ''} worth {points:g} "
                 f"point{'s' if points != 1 else ''} run only on Gradescope.")
    return text
