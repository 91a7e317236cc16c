"""Build the two zips that leave this repository.

* The Gradescope autograder (``grade.py bundle HW -o autograder.zip``): ``setup.sh`` and
  ``run_autograder`` at the root, the pinned requirements, ``grade.py``, the engine and the
  homework's grader with its keys. No tests, caches, references or templates.
* The students' self-check kit (``grade.py bundle HW --student -o kit.zip``): the engine,
  the homework's visible checks, the student template and a README with the one command to
  run. No keys (``keys.py`` / ``keys/``), no reference, and no code of non-visible checks: their
  bodies are blanked, so a kit shows the declaration (the runner then drops it) but not how
  it is graded. Keep a hidden check's helpers and data in ``keys`` so they stay behind too.

Zips are deterministic (sorted entries, fixed timestamps), so rebuilding from the same tree
gives the same bytes.
"""
from __future__ import annotations

import ast
import inspect
import io
import json
import subprocess
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = Path(__file__).with_name("autograder")
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".hypothesis", ".git", ".DS_Store"}
SKIP_SUFFIXES = (".pyc", ".pyo")
KEY_NAMES = ("keys.py", "keys")
_EPOCH = (1980, 1, 1, 0, 0, 0)
HIDDEN_DOC = "Hidden check: its code is not shipped in the self-check kit."


class BundleError(Exception):
    """The bundle cannot be built as asked (and nothing was written)."""


@dataclass
class Bundle:
    path: Path
    names: list[str]
    blanked: list[str]   # non-visible checks whose code was left out (kit only)


def build(hw_id: str, out: Path, *, student: bool = False) -> Bundle:
    import graders

    hw = graders.load(hw_id)
    files: dict[str, bytes] = {}
    _add_common(files)
    blanked: list[str] = []
    if student:
        files.update(_grader_files(hw_id, with_keys=False))
        blanked = _blank_hidden(hw, files)
        template = PROJECT / "student_template" / hw_id
        if not template.is_dir():
            raise BundleError(f"no student template at {template}")
        for rel, data in _tree(template):
            files[f"{hw_id}/{rel}"] = data
        files["kit.json"] = _json({"homework": hw_id, "kind": "self-check kit"})
        files["README.txt"] = _kit_readme(hw).encode()
    else:
        files.update(_grader_files(hw_id, with_keys=True))
        for name in ("setup.sh", "run_autograder"):
            files[name] = (TEMPLATES / name).read_text(encoding="utf-8").replace("@HOMEWORK@", hw_id).encode()
        files["bundle.json"] = _json({
            "homework": hw_id, "title": hw.title, "time_budget": hw.settings.time_budget,
            "datasets": list(hw.settings.datasets), "built_from": _commit()})
        files["placeholder_results.json"] = _json(_placeholder(hw))
    _write_zip(Path(out), files)
    return Bundle(Path(out), sorted(files), blanked)


def _add_common(files: dict[str, bytes]):
    for rel in ("grade.py", "requirements.txt", "graders/__init__.py"):
        files[rel] = (PROJECT / rel).read_bytes()
    for rel, data in _tree(PROJECT / "graders" / "core"):
        files[f"graders/core/{rel}"] = data


def _grader_files(hw_id: str, *, with_keys: bool) -> dict[str, bytes]:
    out = {}
    for rel, data in _tree(PROJECT / "graders" / hw_id):
        if not with_keys and rel.split("/")[0] in KEY_NAMES:
            continue
        out[f"graders/{hw_id}/{rel}"] = data
    return out


def _tree(base: Path):
    for p in sorted(base.rglob("*")):
        rel = p.relative_to(base)
        if p.is_dir() or p.is_symlink() or SKIP_PARTS & set(rel.parts) or p.name.endswith(SKIP_SUFFIXES):
            continue
        yield rel.as_posix(), p.read_bytes()


def _blank_hidden(hw, files: dict[str, bytes]) -> list[str]:
    """Replace the body of every non-visible check's function in the kit's copy."""
    def where(check):
        code = inspect.unwrap(check.fn).__code__
        return Path(code.co_filename).resolve(), code.co_firstlineno

    visible = {where(c) for c in hw.checks if c.visibility == "visible"}
    todo: dict[Path, set[int]] = defaultdict(set)
    names = []
    for c in hw.checks:
        if c.visibility == "visible":
            continue
        path, line = where(c)
        if (path, line) in visible:
            raise BundleError(f"check {c.number} is {c.visibility} but shares its code with a visible "
                              f"check ({path.name}:{line}); give it its own function")
        todo[path].add(line)
        names.append(c.number)
    grader_dir = (PROJECT / "graders" / hw.id).resolve()
    for path, lines in todo.items():
        if grader_dir not in path.parents:
            raise BundleError(f"hidden check code at {path} is outside graders/{hw.id}/; it cannot be left out")
        rel = f"graders/{hw.id}/{path.relative_to(grader_dir).as_posix()}"
        files[rel] = _blank_functions(files[rel].decode("utf-8"), lines, rel).encode("utf-8")
    return names


def _blank_functions(source: str, first_lines: set[int], label: str) -> str:
    spans = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if first in first_lines:
                body = node.body[0]
                if body.lineno == node.lineno:
                    raise BundleError(f"{label}:{node.lineno}: put the hidden check's body on its own lines")
                spans.append((body.lineno, node.end_lineno, " " * body.col_offset))
                first_lines = first_lines - {first}
    if first_lines:
        raise BundleError(f"{label}: no function starts at line(s) {sorted(first_lines)}")
    lines = source.splitlines(keepends=True)
    for a, b, indent in sorted(spans, reverse=True):
        lines[a - 1:b] = [f'{indent}"""{HIDDEN_DOC}"""\n',
                          f'{indent}raise RuntimeError("hidden check: not in the self-check kit")\n']
    return "".join(lines)


def _placeholder(hw) -> dict:
    from .gradescope import finish
    from .results import placeholder

    return finish(placeholder(hw, "Grading did not finish.").to_gradescope(), hw.settings, {}, complete=False)


def _kit_readme(hw) -> str:
    from .kit import note, view

    hw = view(hw)
    return f"""Self-check kit: {hw.title}

1. Once, with Python 3.11 or newer:

       python -m pip install -r requirements.txt

2. Write your solutions in the folder {hw.id}/ (your starting files are there).

3. Check your work (one line; it prints a summary and opens the scorecard in your browser):

       python grade.py check {hw.id} {hw.id} --open

What this kit can and cannot tell you: {note(hw)} Parts graded by course staff are not
checked here either. Your code runs on your own machine; submit to Gradescope for your grade.
"""


def _json(obj) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown"


def _write_zip(out: Path, files: dict[str, bytes]):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, _EPOCH)
            executable = name in ("setup.sh", "run_autograder")
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[name])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())
