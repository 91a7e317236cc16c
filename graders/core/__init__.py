"""What homework graders use. Homework packages import from here, not from private modules."""
from .answers import Accept, AnswerChecks
from .checks import Check, CheckSet, Homework, ManualItem, Settings
from .codec import Handle
from .compare import Mistake, as_array, expect_close, expect_equal, fail, rel_error
from .errors import CheckFailure, HarnessDeclarationError, StudentError
from .strategies import floats, int_or_float_matrices, matrices, prop, tensors, vectors

__all__ = [
    "Accept", "AnswerChecks", "Check", "CheckSet", "Homework", "ManualItem", "Settings", "Handle",
    "Mistake", "as_array", "expect_close", "expect_equal", "fail", "rel_error", "CheckFailure",
    "HarnessDeclarationError", "StudentError", "floats", "int_or_float_matrices", "matrices",
    "prop", "tensors", "vectors",
]
