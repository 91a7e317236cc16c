"""How graders declare what they check.

A ``Check`` is one Gradescope test: a homework number, a name, the homework's points, a
visibility and tags, and a function that receives a ``Student`` proxy and raises on failure.
Declarations are validated when they load, so a mistake in a grader fails at import time
rather than in front of a student.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .errors import HarnessDeclarationError

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
_NUMBER = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _validate_common(number, name, points, visibility, tags):
    if not isinstance(number, str) or not _NUMBER.match(number):
        raise HarnessDeclarationError(f"check number {number!r} must look like '2.d' or '3'")
    if not isinstance(name, str) or not name.strip():
        raise HarnessDeclarationError(f"check {number}: name must be a non-empty string, got {name!r}")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not math.isfinite(points) or points < 0:
        raise HarnessDeclarationError(f"check {number}: points must be a finite number >= 0, got {points!r}")
    if visibility not in VISIBILITIES:
        raise HarnessDeclarationError(f"check {number}: visibility {visibility!r} is not one of {VISIBILITIES}")
    if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
        raise HarnessDeclarationError(f"check {number}: tags must be a list of strings, got {tags!r}")


@dataclass(frozen=True)
class Check:
    number: str
    name: str
    points: float
    fn: Callable
    needs: tuple[str, ...]
    visibility: str = "visible"
    tags: tuple[str, ...] = ()
    budget: float | None = None  # seconds of student time for the whole check
    doc: str = ""
    answers: tuple[str, ...] = ()  # answer-sheet question ids the check reads

    def __post_init__(self):
        _validate_common(self.number, self.name, self.points, self.visibility, self.tags)
        if not callable(self.fn):
            raise HarnessDeclarationError(f"check {self.number}: fn must be callable")
        if not self.needs and not self.answers:
            raise HarnessDeclarationError(
                f"check {self.number}: a check must name the student functions it calls (needs=...) "
                f"or the answer-sheet questions it reads (answers=...)")
        if "answers" in self.needs:
            raise HarnessDeclarationError(f"check {self.number}: 'answers' is reserved for the answer sheet")
        for a in self.answers:
            if not isinstance(a, str) or not _NUMBER.match(a):
                raise HarnessDeclarationError(f"check {self.number}: answers entry {a!r} is not a question id")
        for n in self.needs:
            if not isinstance(n, str) or not _IDENT.match(n):
                raise HarnessDeclarationError(f"check {self.number}: needs entry {n!r} is not a Python name")
        if self.budget is not None and not (self.budget > 0):
            raise HarnessDeclarationError(f"check {self.number}: budget must be > 0 seconds, got {self.budget!r}")


@dataclass(frozen=True)
class ManualItem:
    """A part that a person grades (a proof, a plot, a discussion). It carries the
    homework's points so the scorecard accounts for the whole homework, but the autograder
    never scores it."""

    number: str
    name: str
    points: float
    why: str = "graded by course staff"
    #: (label, regex with one group[, notebook-name regex]): values the student's notebooks
    #: printed about this part, e.g. ("test accuracy", r"test acc\w*\W+([0-9.]+ ?%?)",
    #: r"problem ?1"). Only notebooks whose name matches the third regex (all, without it) are
    #: read. Shown to staff and student as student-reported, not verified; never scored.
    report: tuple = ()

    def __post_init__(self):
        _validate_common(self.number, self.name, self.points, "visible", ())
        if self.report:
            if len(self.report) not in (2, 3) or not all(isinstance(x, str) for x in self.report):
                raise HarnessDeclarationError(
                    f"manual item {self.number}: report must be (label, regex[, notebook-name regex])")
            try:
                groups = re.compile(self.report[1]).groups
                if len(self.report) == 3:
                    re.compile(self.report[2])
            except re.error as e:
                raise HarnessDeclarationError(f"manual item {self.number}: bad report regex: {e}") from None
            if groups != 1:
                raise HarnessDeclarationError(
                    f"manual item {self.number}: report regex needs exactly one group, has {groups}")


class CheckSet:
    """Checks of one problem, in the homework's order."""

    def __init__(self, title: str):
        self.title = title
        self.checks: list[Check] = []

    def check(self, number: str, name: str, *, points: float, needs: Iterable[str] = (),
              visibility: str = "visible", tags: Iterable[str] = (), budget: float | None = None,
              answers: Iterable[str] = ()):
        for label, v in (("tags", tags), ("needs", needs)):
            if isinstance(v, str):
                raise HarnessDeclarationError(f"check {number}: {label} must be a list, got the string {v!r}")

        def deco(fn):
            if fn.__doc__ is None:
                raise HarnessDeclarationError(
                    f"check {number}: give the check a docstring saying what it proves")
            c = Check(number, name, points, fn, tuple(needs), visibility, tuple(tags), budget,
                      " ".join(fn.__doc__.split()), tuple(answers))
            if any(x.number == number for x in self.checks):
                raise HarnessDeclarationError(f"check number {number} is declared twice")
            self.checks.append(c)
            return fn

        return deco

    def __iter__(self):
        return iter(self.checks)


@dataclass(frozen=True)
class Settings:
    """Per-homework limits. Every option is declared here, once, with its meaning."""

    call_timeout: float = 20.0       # seconds for one call of student code
    check_budget: float = 120.0      # seconds of student time for one check
    max_examples: int = 60           # hypothesis examples per property
    file_hints: dict = field(default_factory=dict)  # name -> preferred file stem, for ties
    # Gradescope: run_autograder stops grading after time_budget seconds and still writes every
    # check, so the instructor's Gradescope limit must sit above it (README: measured figures).
    time_budget: float = 600.0
    datasets: tuple = ()             # names in graders.core.datasets, fetched by setup.sh
    results_visibility: str = "visible"   # Gradescope's top-level visibility
    stdout_visibility: str = "hidden"     # who sees the grader's stdout on Gradescope
    # Notebooks (graders/core/notebook.py): "definitions" runs only imports, defs, classes and
    # plain assignments; "all" runs every cell. Budgets are seconds of worker time.
    notebook_mode: str = "definitions"
    cell_budget: float = 60.0
    notebook_budget: float = 300.0
    worker_helpers: str | None = None   # path of a worker-side helper module (no secrets in it)
    # The worker's limits (graders/core/sandbox.py, SECURITY.md). submission_budget is seconds
    # of student time for all checks together; keep it below time_budget so the runner, not
    # the Gradescope supervisor, is what stops a slow submission.
    submission_budget: float = 500.0
    call_cpu: float | None = None    # CPU seconds per call, all worker processes; None: call_timeout
    memory_mb: int = 4096            # address space per worker; `import torch`: 768 (CPU build), 3584 (CUDA build)
    max_processes: int = 64          # processes and threads of the worker's uid (as root)
    file_size_mb: int = 256          # largest file the worker may write
    open_files: int = 256
    output_keep: int = 32 * 1024     # bytes of printed output kept from each end

    def __post_init__(self):
        from .datasets import KNOWN as known_datasets

        if isinstance(self.datasets, str) or not all(d in known_datasets for d in self.datasets):
            raise HarnessDeclarationError(
                f"setting datasets must list names from {sorted(known_datasets)}, got {self.datasets!r}")
        for k in ("results_visibility", "stdout_visibility"):
            if getattr(self, k) not in VISIBILITIES:
                raise HarnessDeclarationError(f"setting {k} must be one of {VISIBILITIES}, got {getattr(self, k)!r}")
        if self.notebook_mode not in ("definitions", "all"):
            raise HarnessDeclarationError(
                f"setting notebook_mode must be 'definitions' or 'all', got {self.notebook_mode!r}")
        for k in ("memory_mb", "max_processes", "file_size_mb", "open_files", "output_keep"):
            v = getattr(self, k)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise HarnessDeclarationError(f"setting {k} must be an int >= 1, got {v!r}")
        if self.memory_mb < 768:
            raise HarnessDeclarationError(f"setting memory_mb={self.memory_mb} is below the 768 MiB "
                                          f"that `import torch` needs")
        if self.call_cpu is not None and not (isinstance(self.call_cpu, (int, float)) and self.call_cpu > 0):
            raise HarnessDeclarationError(f"setting call_cpu must be > 0 seconds or None, got {self.call_cpu!r}")
        for k in ("call_timeout", "check_budget", "time_budget", "cell_budget", "notebook_budget",
                  "submission_budget"):
            v = getattr(self, k)
            if not (isinstance(v, (int, float)) and v > 0):
                raise HarnessDeclarationError(f"setting {k} must be > 0 seconds, got {v!r}")
        if not (isinstance(self.max_examples, int) and self.max_examples >= 1):
            raise HarnessDeclarationError(f"setting max_examples must be an int >= 1, got {self.max_examples!r}")


def _homework_order(check: Check):
    parts = check.number.split(".")

    def rank(part: str, single_letter: bool):
        if part.isdigit():
            return (0, int(part), "")
        if not single_letter or len(part) == 1:
            return (1, 0, part)
        return (2, 0, "")  # a named sub-check such as 3.bn: keep declaration order

    return (rank(parts[0], False), rank(parts[1], True) if len(parts) > 1 else (0, -1, ""))


@dataclass(frozen=True)
class Homework:
    id: str
    title: str
    source: str                       # the homework text this grader follows
    problems: tuple                   # CheckSets, in order
    manual: tuple = ()
    total_points: float | None = None  # the homework's stated total, to cross-check
    settings: Settings = field(default_factory=Settings)

    def __post_init__(self):
        if not _IDENT.match(self.id):
            raise HarnessDeclarationError(f"homework id {self.id!r} must be a Python name")
        numbers = [c.number for c in self.checks] + [m.number for m in self.manual]
        dup = {n for n in numbers if numbers.count(n) > 1}
        if dup:
            raise HarnessDeclarationError(f"{self.id}: numbers used twice: {sorted(dup)}")
        if self.total_points is not None:
            total = sum(c.points for c in self.checks) + sum(m.points for m in self.manual)
            if abs(total - self.total_points) > 1e-9:
                raise HarnessDeclarationError(
                    f"{self.id}: checks and manual items add up to {total:g} points, "
                    f"but the homework is worth {self.total_points:g}")

    @property
    def checks(self) -> list[Check]:
        """All checks in the homework's order: by problem, then by lettered or numbered part;
        within a part, in the order declared. A homework's code checks and answer-sheet checks
        live in different modules, so declaration order alone would not interleave them."""
        return sorted((c for p in self.problems for c in p), key=_homework_order)

    @property
    def answer_ids(self) -> list[str]:
        """Every answer-sheet question id the checks read, in order."""
        return list(dict.fromkeys(a for c in self.checks for a in c.answers))

    @property
    def needed_names(self) -> list[str]:
        seen = []
        for c in self.checks:
            for n in c.needs:
                if n not in seen:
                    seen.append(n)
        return seen
