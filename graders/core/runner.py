"""Grade one submission: find, run, check, score."""
from __future__ import annotations

import random
import re
import shutil
import tempfile
import time
import traceback
from pathlib import Path, PurePosixPath

import numpy as np

from . import answers, notebook, sandbox, strategies
from .checks import Check, Homework
from .codec import Handle
from .errors import (BudgetExceeded, CheckFailure, HarnessDeclarationError, MissingName,
                     StudentAbort, StudentError, StudentTimeout)
from .results import CheckResult, GradingResult, ManualResult, _zero
from .submission import Located, Submission, prepare
from .worker import Target, Worker

HELPERS = "_grader_helpers.py"   # Settings.worker_helpers, copied beside the student's files


class Remote:
    """A student function or object living in the worker. Calling it is one round trip."""

    def __init__(self, student: "Student", target: Target):
        self._student = student
        self._target = target

    def __call__(self, *args, **kwargs):
        return self._student._call(self._target, args, kwargs)

    def __getattr__(self, attr):
        if attr.startswith("_"):
            raise AttributeError(attr)
        if self._target.handle is None:
            raise AttributeError(attr)
        return Remote(self._student, Target(handle=self._target.handle, attr=attr))

    def get(self, attr: str):
        """Read an attribute of a worker-side object (e.g. ``optimizer.get('lr')``)."""
        return self._student._wrap(self._student.worker.getattr(
            Target(handle=self._target.handle, attr=attr), timeout=self._student._timeout()))

    @property
    def handle(self) -> Handle | None:
        return self._target.handle

    def value(self):
        """The name's value itself: plain data, or a handle-backed Remote (a class, a function)
        that can be passed on to other calls as ``.handle``."""
        return self._student._wrap(self._student.worker.getattr(self._target, timeout=self._student._timeout()))


class Student:
    """What a check sees of the submission: ``s.corr2d(X, Y)`` calls the student's corr2d."""

    def __init__(self, worker: Worker, found: dict[str, Located], check: Check, call_timeout: float,
                 budget: float, sheet: answers.AnswerSheet | None = None):
        self.worker = worker
        self.answers = answers.SheetView(sheet, check.answers, check.number)
        self._found = found
        self._check = check
        self._call_timeout = call_timeout
        self._deadline = time.monotonic() + budget
        self._budget = budget

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._check.needs:
            raise HarnessDeclarationError(
                f"check {self._check.number} calls {name} but does not list it in needs=")
        loc = self._found.get(name)
        if loc is None:
            raise MissingName(f"{name} is not defined in your submission", call=name)
        return Remote(self, Target(module=loc.relpath, attr=name))

    def helper(self, name: str) -> Remote:
        """A function of the homework's worker-side helper module (``Settings.worker_helpers``):
        grader glue that runs next to the student's code, e.g. to build data loaders."""
        return Remote(self, Target(module=HELPERS, attr=name))

    def _timeout(self) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise BudgetExceeded(f"this check used up its {self._budget:g} s time budget")
        return min(self._call_timeout, left)

    def _call(self, target, args, kwargs):
        inputs = {f"arg{i + 1}": a for i, a in enumerate(args)}
        inputs.update(kwargs)
        timeout = self._timeout()
        try:
            value = self.worker.call(target, args, kwargs, timeout=timeout, inputs=inputs)
        except StudentTimeout as e:
            if timeout < self._call_timeout:
                raise BudgetExceeded(f"this check used up its {self._budget:g} s time budget "
                                     f"(during {target.label()})", inputs=inputs, call=e.call) from None
            raise
        return self._wrap(value)

    def _wrap(self, value):
        if isinstance(value, Handle):
            return Remote(self, Target(handle=value))
        return value


def grade(homework: Homework, paths, *, scratch: Path | None = None, progress=None,
          label: str = "", isolation: str | None = None, hide=None, on_partial=None) -> GradingResult:
    """Grade the submission at ``paths`` (folders, zips or files) for ``homework``.

    ``on_partial(result)``, if given, receives after each check a complete result in which the
    checks not yet run are listed as "not_run", so a run stopped from outside loses nothing
    already graded.

    ``isolation`` and ``hide`` go to the ``Worker`` (namespace layer; paths the student's code
    must not read, on top of the grader's tree)."""
    start = time.perf_counter()
    settings = homework.settings
    strategies.set_max_examples(settings.max_examples)
    own_tmp = None
    if scratch is None:
        own_tmp = tempfile.TemporaryDirectory(prefix="grade-")
        scratch = Path(own_tmp.name)
        scratch.chmod(0o711)  # the worker's uid must reach submission/ inside
    try:
        sub = prepare(paths, scratch / "submission", notebook_mode=settings.notebook_mode,
                      cell_budget=settings.cell_budget, notebook_budget=settings.notebook_budget)
        found = sub.locate(homework.needed_names, settings.file_hints)
        if settings.worker_helpers:
            shutil.copyfile(settings.worker_helpers, sub.root / HELPERS)
        notebooks = notebook.Loader(sub, found, cell_budget=settings.cell_budget,
                                    notebook_budget=settings.notebook_budget)
        sheet = answers.find_sheet(sub.root, homework.answer_ids) if homework.answer_ids else None
        output_file = scratch / "student-output.txt"
        results: list[CheckResult] = []
        harness: list[str] = []
        hidden = sandbox.default_hidden() + [str(h) for h in hide or ()]
        with Worker(sub.root, output_file, call_timeout=settings.call_timeout, limits=_limits(settings),
                    isolation=isolation, hide=hidden) as worker:
            harness.append(worker.describe())
            deadline = time.monotonic() + settings.submission_budget
            sheet = _answers_variable(homework, sub, settings, worker, notebooks, sheet)
            for i, check in enumerate(homework.checks):
                if progress:
                    progress(i, len(homework.checks), check)
                if time.monotonic() >= deadline:
                    results.append(_zero(check, "timeout", f"Not run: your code used up the whole "
                                         f"submission's {settings.submission_budget:g} s time budget."))
                    continue
                notebooks.ensure(worker)
                results.append(_run_check(check, worker, found, sub, settings, harness, sheet,
                                          deadline))
                if on_partial:
                    on_partial(_partial(homework, results, label))
        events = list(worker.events)
        student_output = worker.output_text()
        if events:
            harness.append("Worker events: " + "; ".join(events))
        result = GradingResult(
            homework.id, homework.title, results,
            manual=[ManualResult(m.number, m.name, m.points, m.why, _reported(m, sub))
                    for m in homework.manual],
            found=_found_report(homework, found, sub) + _sheet_report(homework, sheet),
            ignored=list(sub.ignored),
            harness=harness,
            student_output=student_output,
            submission_label=label,
        )
        result.notes += [f"{f.shown}: {f.problem}" for f in sub.files if f.problem]
        result.notes += notebooks.notes
        result.harness += notebooks.harness
        result.notes += sheet.problems if sheet else []
        result.execution_time = time.perf_counter() - start
        return result
    finally:
        if own_tmp is not None:
            own_tmp.cleanup()


def _seed_parent():
    random.seed(0)
    np.random.seed(0)


def _limits(settings) -> sandbox.Limits:
    return sandbox.Limits(
        memory_mb=settings.memory_mb,
        cpu_per_call=settings.call_cpu or settings.call_timeout,
        cpu_total=settings.submission_budget,
        processes=settings.max_processes,
        file_size_mb=settings.file_size_mb,
        open_files=settings.open_files,
        output_keep=settings.output_keep,
    )


def _run_check(check: Check, worker: Worker, found, sub: Submission, settings, harness,
               sheet: answers.AnswerSheet | None = None, deadline: float | None = None) -> CheckResult:
    missing = [n for n in check.needs if n not in found]
    if missing:
        names = ", ".join(missing)
        broken = [f.shown for f in sub.files if f.problem]
        msg = (f"Could not find {names} in any .py or .ipynb file of your submission. "
               f"Define it at the top level of a file (the template puts it in the right place).")
        if broken:
            msg += f" These files could not be read, so their names may be hidden: {', '.join(broken)}."
        return _zero(check, "missing", msg)
    _seed_parent()
    budget = check.budget or settings.check_budget
    if deadline is not None:
        budget = max(0.001, min(budget, deadline - time.monotonic()))
    student = Student(worker, found, check, settings.call_timeout, budget, sheet)
    t0 = time.perf_counter()
    res = _zero(check, "passed", "")
    try:
        try:
            check.fn(student)
        except BaseExceptionGroup as group:  # hypothesis: flaky or several failures
            first = _first_leaf(group)
            if isinstance(first, (CheckFailure, StudentError, StudentAbort)):
                raise first from None
            raise
        res.score = check.points
    except CheckFailure as e:
        res.status = "failed"
        res.message = e.message
        res.diagnosis, res.hint = e.diagnosis, e.hint
        res.inputs, res.expected, res.actual = e.inputs, e.expected, e.actual
    except StudentError as e:
        res.status = "error"
        res.message = f"{e.call} raised {e.exc_type}: {e.exc_message}"
        res.traceback = e.traceback
        res.inputs = e.inputs
    except StudentAbort as e:
        res.status = e.status
        res.message = e.message
        res.traceback = e.traceback
        res.inputs = e.inputs if e.status in ("timeout", "crashed") else None
    except Exception:  # noqa: BLE001 - the grader's own bug: never blamed on the student
        res.status = "harness_error"
        res.message = ("The grader hit an internal error on this check. This is not your fault; "
                       "your instructor can see the details.")
        harness.append(f"Check {check.number} raised inside the grader:\n{traceback.format_exc()}")
    res.duration = time.perf_counter() - t0
    if res.status != "passed":
        res.score = 0.0
    return res


def _partial(homework: Homework, done: list[CheckResult], label: str) -> GradingResult:
    rest = [_zero(c, "not_run", "Not graded: grading stopped before this check ran.")
            for c in homework.checks[len(done):]]
    return GradingResult(homework.id, homework.title, done + rest,
                         manual=[ManualResult(m.number, m.name, m.points, m.why) for m in homework.manual],
                         notes=[f"Partial result: {len(done)} of {len(done) + len(rest)} checks graded."],
                         submission_label=label)


def _first_leaf(group: BaseExceptionGroup):
    e = group
    while isinstance(e, BaseExceptionGroup):
        e = e.exceptions[0]
    return e


def _found_report(homework: Homework, found, sub: Submission) -> list[dict]:
    rows = []
    for name in homework.needed_names:
        loc = found.get(name)
        rows.append({"name": name, "file": loc.shown if loc else None, "note": loc.note if loc else ""})
    return rows


def _reported(item, sub: Submission, limit: int = 5) -> list:
    """What the student's notebooks printed about a manual part (their saved outputs, read
    as JSON here; nothing runs). Shown as student-reported, never scored."""
    if not item.report:
        return []
    label, pattern, *names = item.report
    rx = re.compile(pattern, re.IGNORECASE)
    name_rx = re.compile(names[0], re.IGNORECASE) if names else None
    found = []
    for f in sub.files:
        if f.origin is None or (name_rx and not name_rx.search(PurePosixPath(f.origin).name)):
            continue
        try:
            nb = notebook.read(sub.root / f.origin, f.origin)
        except notebook.NotebookError:
            continue
        for cell, text in nb.saved_outputs:
            for m in rx.finditer(text[:200_000]):
                found.append((label, m.group(1).strip()[:40], f"{f.origin}, cell {cell}"))
                if len(found) >= limit:
                    return found
    return found


def _answers_variable(homework: Homework, sub: Submission, settings, worker, notebooks, sheet):
    """Answers a homework reads may also be assigned as ``ANSWERS = {...}`` in a module or
    notebook; they are read through the worker as plain values and join the sheet."""
    if not homework.answer_ids:
        return sheet
    loc = sub.locate([answers.VARIABLE], {}).get(answers.VARIABLE)
    if loc is None:
        return sheet
    where = f"{_shown(sub, loc.relpath)} ({answers.VARIABLE})"
    try:
        notebooks.ensure(worker)
        value = worker.getattr(Target(module=loc.relpath, attr=answers.VARIABLE),
                               timeout=settings.call_timeout)
    except (StudentAbort, StudentError) as e:
        out = sheet or answers.AnswerSheet(where)
        out.problems.append(f"{where} could not be read: {getattr(e, 'message', e)}")
        return out
    return answers.merge_variable(sheet, value, where, homework.answer_ids)


def _shown(sub: Submission, relpath: str) -> str:
    for f in sub.files:
        if f.relpath == relpath:
            return getattr(f, "shown", relpath)
    return relpath


def _sheet_report(homework: Homework, sheet) -> list[dict]:
    if not homework.answer_ids:
        return []
    if sheet is None:
        return [{"name": "answer sheet", "file": None,
                 "note": "no .txt or .md file answers any of this homework's questions"}]
    answered = sum(1 for q in homework.answer_ids if sheet.get(q) is not None and sheet.get(q).text)
    return [{"name": "answer sheet", "file": sheet.path,
             "note": f"answers {answered} of {len(homework.answer_ids)} questions"}]
