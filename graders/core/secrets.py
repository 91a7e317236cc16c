"""Where secret values live, and how graders reach them.

Answer keys, held-out labels and hidden expected values live only in a module named
``keys`` inside a homework package (``graders/<hw>/keys.py``) or in files under
``graders/<hw>/keys/``. They stay in the grading process and never reach the worker. The
students' self-check kit is built without them; there ``load_keys`` returns None and a check
that needs a key must fall back to validating the answer's format and shape only.
"""
from __future__ import annotations

import importlib
import os

KIT_ENV = "GRADER_KIT"


def kit_mode() -> bool:
    """True inside a students' self-check kit (no keys, no hidden checks)."""
    return os.environ.get(KIT_ENV) == "1"


def load_keys(package: str):
    """The ``keys`` module of a homework package, or None where keys are not shipped."""
    if kit_mode():
        return None
    try:
        return importlib.import_module(f"{package}.keys")
    except ModuleNotFoundError as e:
        if e.name == f"{package}.keys":
            return None
        raise
