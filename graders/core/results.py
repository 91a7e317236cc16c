"""One result model, rendered three ways (results.json, HTML scorecard, terminal).

Every renderer reads the same ``GradingResult``, so the three views cannot disagree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .checks import Check, Homework

STATUS_TEXT = {
    "passed": "passed",
    "failed": "failed",
    "error": "your code raised an error",
    "not_implemented": "not implemented",
    "missing": "function not found",
    "import_error": "file could not be imported",
    "timeout": "ran out of time",
    "crashed": "your code's process crashed",
    "harness_error": "grader error (not your fault)",
    "not_run": "not graded",
    "missing_answer": "no answer given",
    "format_checked": "format checked only (no answer key here)",
}


@dataclass
class CheckResult:
    number: str
    name: str
    max_score: float
    score: float
    status: str
    visibility: str = "visible"
    tags: tuple = ()
    message: str = ""
    doc: str = ""
    diagnosis: str | None = None
    hint: str | None = None
    inputs: dict | None = None
    expected: object = None
    actual: object = None
    traceback: str = ""
    duration: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def text(self, *, max_chars: int = 6000) -> str:
        """Plain-text feedback, shared by the terminal view and results.json."""
        parts = []
        if self.passed:
            parts.append(f"Passed. {self.doc}".strip())
        else:
            parts.append(self.message or STATUS_TEXT.get(self.status, self.status))
        if self.diagnosis:
            parts.append(f"Likely mistake: {self.diagnosis}")
        if self.hint:
            parts.append(f"Hint: {self.hint}")
        if self.inputs:
            parts.append("Failing input (the smallest found):\n" + "\n".join(
                f"  {k} = {format_value(v)}" for k, v in self.inputs.items()))
        if self.expected is not None:
            parts.append(f"Expected:\n  {format_value(self.expected)}")
        if self.actual is not None:
            parts.append(f"Your result:\n  {format_value(self.actual)}")
        if self.traceback:
            parts.append("Traceback (your code):\n" + self.traceback.rstrip())
        text = "\n\n".join(parts)
        if len(text) > max_chars:
            text = text[: max_chars - 40] + "\n... (feedback cut short)"
        return text


def format_value(v, *, threshold: int = 64) -> str:
    if isinstance(v, np.ndarray):
        body = np.array2string(v, threshold=threshold, precision=4, suppress_small=True,
                               separator=", ", max_line_width=100)
        return body.replace("\n", "\n  ") + (f"   (shape {v.shape})" if v.ndim else "")
    if isinstance(v, float):
        return f"{v:.6g}"
    text = repr(v)
    return text if len(text) < 600 else text[:600] + "..."


@dataclass
class ManualResult:
    number: str
    name: str
    max_score: float
    why: str
    reported: list = field(default_factory=list)  # (label, value, where): student-reported

    def reported_text(self) -> str:
        return "\n".join(f"Student-reported, not verified: {label} {value} ({where})"
                         for label, value, where in self.reported)


@dataclass
class GradingResult:
    homework_id: str
    title: str
    checks: list[CheckResult]
    manual: list[ManualResult] = field(default_factory=list)
    found: list[dict] = field(default_factory=list)      # what was found where
    ignored: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)       # shown to everyone
    harness: list[str] = field(default_factory=list)     # instructors only
    student_output: str = ""
    execution_time: float = 0.0
    submission_label: str = ""

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_score for c in self.checks), 6)

    @property
    def manual_points(self) -> float:
        return round(sum(m.max_score for m in self.manual), 6)

    def to_gradescope(self) -> dict:
        """The Gradescope autograder results.json, with the specification's key names."""
        tests = []
        for c in self.checks:
            tests.append({
                "score": _num(c.score),
                "max_score": _num(c.max_score),
                "status": "passed" if c.passed else "failed",
                "name": c.name,
                "number": c.number,
                "output": c.text(),
                "tags": list(c.tags),
                "visibility": c.visibility,
            })
        for m in self.manual:
            tests.append({
                "score": 0,
                "max_score": 0,
                "name": f"{m.name} (manual, {m.max_score:g} pts)",
                "number": m.number,
                "output": "\n".join(filter(None, [
                    f"Not autograded: {m.why}. Worth {m.max_score:g} points in the homework.",
                    m.reported_text()])),
                "tags": ["manual"],
                "visibility": "visible",
            })
        tests.append({
            "score": 0,
            "max_score": 0,
            "name": "Grader diagnostics (instructors only)",
            "number": "zz.harness",
            "output": "\n".join(self.harness) or "No harness problems.",
            "tags": ["harness"],
            "visibility": "hidden",
        })
        out = {
            "score": _num(self.score),
            "execution_time": round(float(self.execution_time), 3),
            "output": self.summary_text(),
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": tests,
        }
        return out

    def summary_text(self) -> str:
        lines = [f"{self.title}: {self.score:g} / {self.max_score:g} autograded points."]
        if self.manual:
            lines.append(f"{self.manual_points:g} more points are graded by course staff.")
        lines += self.notes
        return "\n".join(lines)


def _num(x: float):
    x = float(x)
    if not math.isfinite(x):
        return 0
    return int(x) if x.is_integer() else round(x, 6)


def placeholder(homework: Homework, reason: str) -> GradingResult:
    """A complete all-zero result listing every check: written before grading starts, and
    used whenever grading cannot finish, so results.json is always valid."""
    checks = [_zero(c, "not_run", reason) for c in homework.checks]
    return GradingResult(homework.id, homework.title, checks,
                         manual=[ManualResult(m.number, m.name, m.points, m.why) for m in homework.manual],
                         notes=[reason])


def _zero(c: Check, status: str, message: str) -> CheckResult:
    return CheckResult(c.number, c.name, c.points, 0.0, status, c.visibility, c.tags, message, c.doc)
