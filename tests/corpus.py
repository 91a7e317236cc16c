"""Build the tests' submissions: reference copies with one student mistake patched in."""
from __future__ import annotations

import ast
import runpy
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"


@dataclass
class Mutant:
    name: str
    fails: set
    diagnosis: dict
    file: str
    source: str


def mutants(hw: str) -> list[Mutant]:
    out = []
    for p in sorted((SUBMISSIONS / hw / "mutants").glob("*.py")):
        ns = runpy.run_path(str(p))
        out.append(Mutant(p.stem, set(ns["FAILS"]), dict(ns["DIAGNOSIS"]), ns["FILE"], ns["SOURCE"]))
    return out


def replace_functions(original: str, replacement: str) -> str:
    """``original`` with each top-level def in ``replacement`` swapped in for the def of the
    same name (appended when the original has none)."""
    new_defs = {n.name: ast.get_source_segment(replacement, n)
                for n in ast.parse(replacement).body if isinstance(n, ast.FunctionDef)}
    lines = original.splitlines(keepends=True)
    spans = {}
    for node in ast.parse(original).body:
        if isinstance(node, ast.FunctionDef) and node.name in new_defs:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            spans[node.name] = (start, node.end_lineno)
    for name, (a, b) in sorted(spans.items(), key=lambda kv: -kv[1][0]):
        lines[a:b] = [new_defs[name] + "\n"]
    text = "".join(lines)
    for name, src in new_defs.items():
        if name not in spans:
            text += "\n\n" + src + "\n"
    return text


def build_mutant(hw: str, mutant: Mutant, dest: Path) -> Path:
    shutil.copytree(ROOT / "reference" / hw, dest)
    target = dest / mutant.file
    target.write_text(replace_functions(target.read_text(), mutant.source))
    return dest
