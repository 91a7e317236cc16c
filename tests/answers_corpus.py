"""Wrong answer sheets: the reference sheet with a few answers replaced, as a student errs.

A case is ``tests/submissions/answers/<hw>/<case>.txt``: sheet lines that replace the
reference's, and header comments ``# fails: 2.a.3 2.b`` (the checks it must lose) and
``# diagnosis: 2.a.3 = words`` (words the named mistake must contain).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from graders.core.answers import parse_sheet

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "submissions" / "answers"


@dataclass
class Case:
    name: str
    fails: set
    diagnosis: dict
    text: str


def cases(hw: str) -> list[Case]:
    out = []
    for p in sorted((CASES / hw).glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        fails = set(re.search(r"^# fails:(.*)$", text, re.M).group(1).split())
        diagnosis = dict((m.group(1), m.group(2).strip())
                         for m in re.finditer(r"^# diagnosis: (\S+) = (.*)$", text, re.M))
        out.append(Case(p.stem, fails, diagnosis, text))
    return out


def covered(hw: str) -> set:
    return set().union(*(c.fails for c in cases(hw))) if cases(hw) else set()


def sheet_only(hw):
    """The homework with only its answer-sheet checks: grades a sheet in milliseconds."""
    problems = tuple(p for p in hw.problems if any(c.answers for c in p))
    return dataclasses.replace(hw, problems=problems, manual=(), total_points=None)


def build(hw_id: str, case: Case, dest: Path) -> Path:
    """The reference sheet with the case's answers swapped in, written to ``dest/answers.txt``."""
    ref = (ROOT / "reference" / hw_id / "answers.txt").read_text(encoding="utf-8")
    override = parse_sheet(case.text, "case").entries
    lines, seen = [], set()
    for line in ref.splitlines():
        m = re.match(r"^\s*([0-9][^:]*):", line)
        key = m.group(1).strip().lower() if m else None
        if key in override:
            lines.append(f"{key}: {override[key].text}")
            seen.add(key)
        else:
            lines.append(line)
    missing = set(override) - seen
    assert not missing, f"{case.name}: not on the reference sheet: {missing}"
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "answers.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest
