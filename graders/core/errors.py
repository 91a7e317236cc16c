"""Exceptions that carry a check's outcome back to the runner.

``StudentError`` is an ordinary ``Exception``: the student's code raised on one input, and a
property search may shrink that input. ``StudentAbort`` derives from ``BaseException`` so that
neither hypothesis nor a check's own ``except Exception`` swallows it: a timeout, a crash, a
missing function or ``NotImplementedError`` ends the check at once.
"""
from __future__ import annotations


class HarnessDeclarationError(ValueError):
    """A check, homework or setting was declared wrongly by the grader's author."""


class CheckFailure(AssertionError):
    """The student's answer is wrong. Carries what the scorecard shows."""

    def __init__(self, message: str, *, expected=None, actual=None, inputs=None,
                 diagnosis: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.actual = actual
        self.inputs = inputs
        self.diagnosis = diagnosis
        self.hint = hint


class StudentError(Exception):
    """The student's code raised an exception for one call."""

    def __init__(self, call: str, exc_type: str, message: str, traceback: str, inputs=None):
        super().__init__(f"{call} raised {exc_type}: {message}")
        self.call = call
        self.exc_type = exc_type
        self.exc_message = message
        self.traceback = traceback
        self.inputs = inputs


class StudentAbort(BaseException):
    """Stop the current check now; no shrinking, no retries."""

    status = "failed"

    def __init__(self, message: str, *, traceback: str = "", inputs=None, call: str = ""):
        super().__init__(message)
        self.message = message
        self.traceback = traceback
        self.inputs = inputs
        self.call = call


class NotImplementedByStudent(StudentAbort):
    status = "not_implemented"


class MissingName(StudentAbort):
    status = "missing"


class StudentImportError(StudentAbort):
    status = "import_error"


class StudentTimeout(StudentAbort):
    status = "timeout"


class WorkerCrashed(StudentAbort):
    status = "crashed"


class BudgetExceeded(StudentAbort):
    status = "timeout"


class HarnessError(RuntimeError):
    """Something went wrong on the grader's side, not the student's."""
