"""Notebooks as students hand them in, turned into modules the worker can import.

The grader reads each ``.ipynb`` with nbformat (JSON only; nothing runs here), rewrites IPython
syntax into plain Python, and writes a generated module next to the notebook. That module
carries the cells as strings and the runner in ``_nbrun.py``; importing it in the worker runs
the cells one by one in one namespace, catching each cell's error and stopping a cell that
runs past its budget. The parent reads the cells' report back as plain data.

Two modes (``Settings.notebook_mode``):

* ``"definitions"``: keep imports, ``def``, ``class``, and assignments built only from
  constants, imported libraries and builtins; skip the rest (training loops, plots, calls of the
  student's own functions). Skipped lines become blank lines, so tracebacks keep the cell's
  line numbers.
* ``"all"``: run every cell, as "Restart & Run All" would, under the per-cell and per-notebook
  budgets.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MODES = ("definitions", "all")
_RUNTIME = Path(__file__).with_name("_nbrun.py")

# Cell magics whose body is Python that should run as if the magic were not there.
_PYTHON_CELL_MAGICS = {"time", "capture", "prun", "debug"}
# Line magics that prefix a Python statement; the statement runs.
_PYTHON_LINE_MAGICS = {"time", "prun"}
_SAFE_BUILTINS = {"dict", "list", "tuple", "set", "frozenset", "range", "int", "float", "str",
                  "bool", "complex", "len", "min", "max", "abs", "round", "sorted", "zip",
                  "enumerate", "sum", "reversed", "slice", "bytes", "map", "filter", "pow", "divmod"}


class NotebookError(ValueError):
    """The file is not a notebook we can read (invalid JSON, unknown nbformat, ...)."""


@dataclass
class Cell:
    index: int                 # 1-based position among all cells, as Jupyter shows them
    source: str                # Python, after rewriting IPython syntax
    execution_count: int | None = None
    notes: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)   # saved text outputs, as the student ran it
    syntax_error: str | None = None


@dataclass
class Notebook:
    relpath: str
    cells: list[Cell]
    colab: bool = False

    @property
    def saved_outputs(self) -> list[tuple[int, str]]:
        """Text the student's own run printed (stream, text/plain results, errors): what the
        notebook reports about itself. Not verified by the grader."""
        return [(c.index, t) for c in self.cells for t in c.outputs]


def read(path: Path, relpath: str) -> Notebook:
    """Parse a notebook file. Raises NotebookError with a message a student can act on."""
    import nbformat

    raw = Path(path).read_bytes()
    if not raw.strip():
        raise NotebookError("the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise NotebookError(f"not valid UTF-8 (byte {e.start}); a notebook is a UTF-8 JSON file") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise NotebookError(f"not valid JSON ({getattr(e, 'msg', e)} at line {getattr(e, 'lineno', '?')}); "
                            f"the file may be truncated or saved by another program") from None
    if not isinstance(data, dict):
        raise NotebookError("not a notebook (the JSON is not an object)")
    major = data.get("nbformat")
    if not isinstance(major, int) or major not in (3, 4):
        raise NotebookError(f"unsupported notebook format (nbformat {major!r}; expected 4, or 3 which is converted)")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:  # noqa: BLE001 - nbformat raises many types for malformed files
        raise NotebookError(f"not a readable notebook ({type(e).__name__}: {str(e)[:200]})") from None
    cells = []
    for i, c in enumerate(nb.get("cells", []), start=1):
        if c.get("cell_type") != "code":
            continue
        src = c.get("source", "")
        if isinstance(src, list):
            src = "".join(src)
        cell = Cell(i, "", c.get("execution_count"))
        cell.source, cell.notes = rewrite_ipython(str(src).replace("\r\n", "\n").replace("\r", "\n"))
        cell.outputs = _text_outputs(c.get("outputs", []))
        try:
            ast.parse(cell.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
            cell.syntax_error = f"SyntaxError on line {getattr(e, 'lineno', '?')}: {getattr(e, 'msg', e)}"
        cells.append(cell)
    colab = "colab" in nb.get("metadata", {}) or any("colab" in c.get("metadata", {}) for c in nb.get("cells", []))
    return Notebook(relpath, cells, colab)


def _text_outputs(outputs) -> list[str]:
    texts = []
    for o in outputs or []:
        kind = o.get("output_type")
        if kind == "stream":
            t = o.get("text", "")
        elif kind in ("execute_result", "display_data"):
            t = o.get("data", {}).get("text/plain", "")
        elif kind == "error":
            t = f"{o.get('ename', '')}: {o.get('evalue', '')}"
        else:
            continue
        texts.append("".join(t) if isinstance(t, list) else str(t))
    return texts


_MAGIC_LINE = re.compile(r"^(\s*)(%{1,2}|!)(.*)$")


def rewrite_ipython(src: str) -> tuple[str, list[str]]:
    """IPython syntax to plain Python, line for line. Returns the new source and notes.

    Shell lines (``!pip install``) never run. ``%time stmt`` runs ``stmt``; other line magics
    (``%matplotlib inline``, ``%load_ext``) become ``pass``. A cell magic of Python
    (``%%time``, ``%%capture``) runs the cell's body; any other (``%%bash``, ``%%writefile``,
    ``%%html``) skips the whole cell.
    """
    try:
        ast.parse(src)
        return src, []   # valid Python already: a '%' or '!' line sits inside a string
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    lines = src.split("\n")
    notes = []
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].strip()[2:].split()[0] if lines[first].strip()[2:] else ""
        if magic not in _PYTHON_CELL_MAGICS:
            return "", [f"cell magic %%{magic} skipped (not Python)"]
        lines[first] = ""
        notes.append(f"%%{magic} ignored; the cell's Python ran")
    out = []
    for ln in lines:
        m = _MAGIC_LINE.match(ln)
        if m and not ln.lstrip().startswith("%%"):
            indent, kind, rest = m.groups()
            word = rest.split()[0] if rest.split() else ""
            if kind == "%" and word in _PYTHON_LINE_MAGICS and rest[len(word):].strip():
                out.append(indent + rest[len(word):].strip())
                continue
            # ``x = !ls`` assigns a shell result; the shell never runs, so x is an empty list.
            out.append(indent + "pass")
            notes.append(f"{'shell command' if kind == '!' else 'magic'} skipped: {kind}{rest.strip()[:60]}")
            continue
        assign = re.match(r"^(\s*[A-Za-z_][\w, ]*=\s*)(!|%)(.*)$", ln)
        if assign:
            out.append(assign.group(1) + "[]")
            notes.append(f"shell/magic result replaced by []: {assign.group(2)}{assign.group(3).strip()[:60]}")
            continue
        if re.match(r"^\s*[\w.]+\s*\?{1,2}\s*$", ln):
            out.append(re.match(r"^(\s*)", ln).group(1) + "pass")
            notes.append(f"help request skipped: {ln.strip()}")
            continue
        out.append(ln)
    return "\n".join(out), notes


# -- definitions-only ------------------------------------------------------------------------
def definitions_only(src: str, imported: set[str]) -> tuple[str, int]:
    """Blank out every top-level statement except imports, defs, classes and plain
    assignments. ``imported`` holds the names the notebook binds by import, so that
    ``device = torch.device("cpu")`` is kept while ``model = train(...)`` is not."""
    try:
        tree = ast.parse(src)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return src, 0
    lines = src.split("\n")
    keep = [False] * len(lines)
    skipped = 0
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        if _kept(node, imported):
            for i in range(start, node.end_lineno):
                keep[i] = True
        else:
            skipped += 1
    return "\n".join(ln if k else "" for ln, k in zip(lines, keep)), skipped


def _kept(node, imported) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        return node.value is None or _plain_value(node.value, imported)
    if isinstance(node, ast.Try):
        return all(_kept(n, imported) or isinstance(n, ast.Pass)
                   for n in node.body + node.orelse + node.finalbody + [x for h in node.handlers for x in h.body])
    if isinstance(node, ast.If) and not _is_main_guard(node):
        return _plain_value(node.test, imported) and all(_kept(n, imported) for n in node.body + node.orelse)
    return False


def _is_main_guard(node) -> bool:
    return "__name__" in ast.unparse(node.test)


def _plain_value(expr, imported) -> bool:
    """True when evaluating ``expr`` can only call imported libraries or safe builtins."""
    for n in ast.walk(expr):
        if isinstance(n, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
            return False
        if isinstance(n, ast.Call):
            root = n.func
            while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
                root = root.value if not isinstance(root, ast.Call) else root.func
            if not isinstance(root, ast.Name):
                return False
            if root.id not in imported and not (root.id in _SAFE_BUILTINS and root is n.func):
                return False
    return True


def imported_names(sources) -> set[str]:
    names = set()
    for src in sources:
        try:
            tree = ast.parse(src)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for a in node.names:
                    names.add((a.asname or a.name).split(".")[0])
    return names


# -- the generated module --------------------------------------------------------------------
def module_source(nb: Notebook, *, mode: str, cell_budget: float, notebook_budget: float) -> str:
    """Python source of a module that runs ``nb``'s cells in the worker when imported."""
    if mode not in MODES:
        raise ValueError(f"notebook mode {mode!r} is not one of {MODES}")
    imported = imported_names(c.source for c in nb.cells if not c.syntax_error)
    cells, notes = [], []
    counts = [c.execution_count for c in nb.cells if c.execution_count is not None]
    if counts and counts != sorted(counts):
        notes.append({"cell": None, "status": "note",
                      "message": "the saved notebook was run out of order; the grader runs its cells "
                                 "top to bottom, as Restart & Run All does"})
    for c in nb.cells:
        label = f"cell {c.index}"
        for n in c.notes:
            notes.append({"cell": label, "status": "note", "message": n})
        if c.syntax_error:
            notes.append({"cell": label, "status": "error", "message": c.syntax_error})
            continue
        src = c.source
        if mode == "definitions":
            src, skipped = definitions_only(src, imported)
        if not src.strip():
            continue
        cells.append({"label": label, "filename": f"{nb.relpath} [{label}]", "source": src})
    spec = {"cells": cells, "notes": notes, "mode": mode,
            "cell_budget": float(cell_budget), "notebook_budget": float(notebook_budget)}
    return (
        f"# Generated by the grader from {nb.relpath!r} ({mode} mode). Importing it runs the cells.\n"
        f"_nb_spec = {spec!r}\n"
        f"_nb_runtime = {{'__name__': '_nbrun'}}\n"
        f"exec(compile({_RUNTIME.read_text()!r}, '/<grader notebook runner>', 'exec'), _nb_runtime)\n"
        f"__nb_report__ = _nb_runtime['run'](globals(), _nb_spec)\n"
        f"del _nb_runtime, _nb_spec\n"
    )


def module_name_for(relpath: str, taken: set[str]) -> str:
    """Where the generated module goes: beside the notebook, under a name no student file has."""
    p = PurePosixPath(relpath)
    stem = re.sub(r"\W+", "_", p.stem).strip("_") or "notebook"
    name = f"_nb_{stem}"
    cand = str(p.with_name(name + ".py"))
    k = 2
    while cand in taken:
        cand = str(p.with_name(f"{name}_{k}.py"))
        k += 1
    return cand


def describe(report, relpath: str) -> list[str]:
    """Notes for the scorecard from a notebook's run report (plain data from the worker)."""
    lines = []
    if not isinstance(report, list):
        return [f"{relpath}: the notebook's cells did not report back"]
    for r in report:
        if not isinstance(r, dict) or r.get("status") in ("done", None):
            continue
        where = f"{relpath}, {r['cell']}" if r.get("cell") else relpath
        msg = str(r.get("message", ""))[:400]
        if r["status"] == "error":
            lines.append(f"{where} raised {msg}; the cells after it still ran")
        elif r["status"] == "timeout":
            lines.append(f"{where} {msg}")
        else:
            lines.append(f"{where}: {msg}")
    return lines


# -- loading in the worker -------------------------------------------------------------------
class Loader:
    """Runs the notebooks a homework needs in the worker before checks call into them, under
    the notebook budget the parent enforces, and again whenever the worker was restarted.

    A notebook that overruns its budget anyway (a cell stuck in C code ignores the alarm) or
    kills the worker is regenerated in definitions-only mode and loaded once more, so its
    functions stay gradable."""

    SLACK = 30.0   # seconds on top of the notebook budget for imports (torch) and start-up

    def __init__(self, sub, found, *, cell_budget: float, notebook_budget: float):
        self.sub = sub
        self.cell_budget = cell_budget
        self.notebook_budget = notebook_budget
        used = {loc.relpath for loc in found.values()}
        self.modules = [m for m in sub.notebooks if m in used]
        self.loaded_at = None
        self.notes: list[str] = []
        self.harness: list[str] = []
        self._fallback: set[str] = set()

    def ensure(self, worker):
        if not self.modules or (worker.proc is not None and worker.starts == self.loaded_at):
            return
        first = self.loaded_at is None
        for mod in self.modules:
            self._load(worker, mod, first)
        self.loaded_at = worker.starts

    def _load(self, worker, mod, first):
        from .errors import StudentAbort
        from .worker import Target

        nb = self.sub.notebooks[mod]
        for attempt in range(2):
            try:
                report = worker.getattr(Target(module=mod, attr="__nb_report__"),
                                        timeout=self.notebook_budget + self.SLACK)
            except StudentAbort as e:
                if attempt == 0 and mod not in self._fallback:
                    self._fallback.add(mod)
                    (self.sub.root / mod).write_text(module_source(
                        nb, mode="definitions", cell_budget=self.cell_budget,
                        notebook_budget=self.notebook_budget), encoding="utf-8")
                    self.notes.append(f"{nb.relpath}: running its cells failed ({e.message}); "
                                      f"graded its definitions only (imports, functions, classes, constants)")
                    continue
                self.notes.append(f"{nb.relpath}: could not be run ({e.message})")
                if e.traceback:
                    self.harness.append(f"{nb.relpath} load failure:\n{e.traceback}")
                return
            if first:
                self.notes += describe(report, nb.relpath)
            return
