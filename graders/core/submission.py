"""Find what a homework needs in a submission, as students really hand it in.

The submission (folders, zips, zips inside zips or folders, loose ``.py`` and ``.ipynb``
files) is copied into a scratch folder the worker runs in. Every ``.py`` file and every
notebook's code cells are read statically (``ast``, never imported here) for the top-level
names they define, so a function is found by what it is called, whatever the file is called.
Each notebook also gets a generated module beside it (``notebook.py``) that the worker imports.
A file that cannot be read is reported and costs only the names it would have defined.
"""
from __future__ import annotations

import ast
import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
MAX_MEMBER_BYTES = 128 * 1024 * 1024
MAX_FILES = 5000
MAX_ZIP_DEPTH = 3
SKIP_DIRS = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git", ".venv", "venv", "node_modules"}


class SubmissionError(Exception):
    """The submission cannot be read at all (missing path, unreadable zip, ...)."""


@dataclass
class SourceFile:
    relpath: str                                     # the module the worker imports
    defines: set[str] = field(default_factory=set)   # def / class / assignment at top level
    imports: set[str] = field(default_factory=set)   # names bound by import at top level
    problem: str | None = None                       # why it cannot be imported, if known
    origin: str | None = None                        # the notebook a generated module came from

    @property
    def shown(self) -> str:
        """The file as the student knows it."""
        return self.origin or self.relpath


@dataclass
class Located:
    name: str
    relpath: str
    note: str = ""   # how a tie between files was broken
    shown: str = ""  # the student's file (the notebook, for a generated module)

    def __post_init__(self):
        self.shown = self.shown or self.relpath


@dataclass
class Submission:
    root: Path
    files: list[SourceFile]
    ignored: list[tuple[str, str]]
    notebooks: dict = field(default_factory=dict)   # generated module relpath -> notebook.Notebook

    def locate(self, names, hints: dict | None = None) -> dict[str, Located]:
        """Map each needed name to the file that defines it.

        Rule when several files define a name: a file whose stem is the homework's suggested
        file for that name wins (compared without case, spaces, underscores or a browser's
        " (1)" copy suffix, so "Problem 2 (1).ipynb" matches "problem2"); then a file that
        defines it with ``def``/``class`` over one that only imports it; then a ``.py`` file
        over a notebook; then the shallowest path; then alphabetical order.
        """
        hints = hints or {}
        found: dict[str, Located] = {}
        for name in names:
            defining = [f for f in self.files if name in f.defines]
            candidates = defining or [f for f in self.files if name in f.imports]
            if not candidates:
                continue
            hint = _norm_stem(hints[name]) if name in hints else None
            candidates.sort(key=lambda f: (_norm_stem(PurePosixPath(f.shown).stem) != hint,
                                           f.origin is not None, f.shown.count("/"), f.shown))
            best = candidates[0]
            note = ""
            if len(candidates) > 1:
                others = ", ".join(f.shown for f in candidates[1:])
                note = f"also defined in {others}; graded the one in {best.shown}"
            found[name] = Located(name, best.relpath, note, best.shown)
        return found


def _norm_stem(stem: str) -> str:
    stem = re.sub(r"\s*\(\d+\)$", "", stem.strip())
    return re.sub(r"[\s_\-]+", "", stem).lower()


def prepare(paths, scratch: Path, *, notebook_mode: str = "definitions", cell_budget: float = 60.0,
            notebook_budget: float = 300.0) -> Submission:
    """Copy the submission into ``scratch`` and index its Python files and notebooks."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise SubmissionError("no submission given")
    scratch.mkdir(parents=True, exist_ok=True)
    ignored: list[tuple[str, str]] = []
    for p in paths:
        if not p.exists():
            raise SubmissionError(f"submission not found: {p}")
        if p.is_dir():
            _copy_tree(p, scratch, ignored)
        elif zipfile.is_zipfile(p):
            _extract_zip(p, scratch / _safe_stem(p), ignored)
        elif p.suffix.lower() == ".zip":
            raise SubmissionError(f"{p} is not a readable zip file")
        elif p.is_file():
            shutil.copyfile(p, scratch / p.name)
        else:
            raise SubmissionError(f"{p} is not a file or folder")
    _extract_nested_zips(scratch, ignored)
    files = []
    notebooks = {}
    code = [f for f in sorted(scratch.rglob("*")) if f.suffix.lower() in (".py", ".ipynb") and f.is_file()]
    taken = {f.relative_to(scratch).as_posix() for f in code}
    for f in code:
        rel = f.relative_to(scratch).as_posix()
        if any(part in SKIP_DIRS or part.startswith(".") for part in PurePosixPath(rel).parts[:-1]):
            ignored.append((rel, "in a cache or hidden folder"))
            continue
        if f.suffix.lower() == ".py":
            files.append(scan_python(f, rel))
            continue
        sf, nb = scan_notebook(f, rel, scratch, taken, notebook_mode, cell_budget, notebook_budget)
        files.append(sf)
        if nb is not None:
            notebooks[sf.relpath] = nb
    return Submission(scratch, files, ignored, notebooks)


def scan_notebook(path: Path, rel: str, root: Path, taken: set, mode: str, cell_budget: float,
                  notebook_budget: float):
    """Index a notebook by what its cells define (as they will run in ``mode``) and write the
    module the worker imports in its place."""
    from . import notebook

    try:
        nb = notebook.read(path, rel)
    except notebook.NotebookError as e:
        return SourceFile(rel, problem=str(e)), None
    except OSError as e:
        return SourceFile(rel, problem=f"could not be read ({e.strerror})"), None
    modrel = notebook.module_name_for(rel, taken)
    taken.add(modrel)
    sf = SourceFile(modrel, origin=rel)
    imported = notebook.imported_names(c.source for c in nb.cells if not c.syntax_error)
    for c in nb.cells:
        if c.syntax_error:
            continue
        src = notebook.definitions_only(c.source, imported)[0] if mode == "definitions" else c.source
        try:
            tree = ast.parse(src)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            _collect(node, sf)
    if not nb.cells:
        sf.problem = "the notebook has no code cells"
    (root / modrel).write_text(notebook.module_source(nb, mode=mode, cell_budget=cell_budget,
                                                      notebook_budget=notebook_budget), encoding="utf-8")
    return sf, nb


def _extract_nested_zips(root: Path, ignored):
    """Unpack zips found inside the submission (a zip in a folder, a zip in a zip) beside
    themselves, up to MAX_ZIP_DEPTH levels. A bad inner zip is reported, not fatal."""
    done = set()
    for _ in range(MAX_ZIP_DEPTH):
        inner = [z for z in sorted(root.rglob("*")) if z.suffix.lower() == ".zip" and z.is_file()
                 and z not in done and not any(p in SKIP_DIRS for p in z.relative_to(root).parts)]
        if not inner:
            return
        for z in inner:
            done.add(z)
            rel = z.relative_to(root).as_posix()
            dest = z.with_name(_safe_stem(z))
            while dest.exists():
                dest = dest.with_name(dest.name + "_zip")
            try:
                if not zipfile.is_zipfile(z):
                    raise SubmissionError("not a readable zip file")
                _extract_zip(z, dest, ignored, prefix=rel + "/")
            except SubmissionError as e:
                ignored.append((rel, str(e)))
    leftover = [z for z in root.rglob("*.zip") if z not in done]
    for z in leftover:
        ignored.append((z.relative_to(root).as_posix(), f"zips nested more than {MAX_ZIP_DEPTH} deep are not opened"))


def _safe_stem(p: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", p.stem).strip("._") or "submission"
    return stem


def _copy_tree(src: Path, dst: Path, ignored):
    count = 0
    for f in sorted(src.rglob("*")):
        rel = f.relative_to(src)
        if any(part in SKIP_DIRS for part in rel.parts):
            continue
        if f.is_symlink():
            ignored.append((rel.as_posix(), "a symbolic link"))
            continue
        count += 1
        if count > MAX_FILES:
            raise SubmissionError(f"{src} holds more than {MAX_FILES} files")
        target = dst / rel
        if f.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif f.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)


def _extract_zip(zpath: Path, dst: Path, ignored, *, prefix: str = ""):
    """Extract safely. An unsafe path, a link, or a member that unpacks too large (a zip
    bomb, or a size that lies) is skipped and reported; the rest is extracted."""
    try:
        with zipfile.ZipFile(zpath) as z:
            infos = z.infolist()
            if len(infos) > MAX_FILES:
                raise SubmissionError(f"{zpath.name} holds more than {MAX_FILES} files")
            total = 0
            for info in infos:
                name = info.filename.replace("\\", "/")
                shown = prefix + name
                parts = PurePosixPath(name).parts
                if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                    ignored.append((shown, "unsafe path in zip, not extracted"))
                    continue
                if any(part in SKIP_DIRS for part in parts):
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    ignored.append((shown, "a symbolic link in zip, not extracted"))
                    continue
                target = dst.joinpath(*parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                if info.file_size > MAX_MEMBER_BYTES or total + info.file_size > MAX_UNZIPPED_BYTES:
                    ignored.append((shown, f"unpacks to {info.file_size >> 20} MiB, over the grader's "
                                           f"limit; not extracted"))
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                try:
                    with z.open(info) as src, open(target, "wb") as out:
                        # Count real bytes: a zip's declared sizes can lie.
                        while chunk := src.read(1 << 20):
                            written += len(chunk)
                            if written > info.file_size:
                                break
                            out.write(chunk)
                except (zipfile.BadZipFile, zlib.error, EOFError):
                    # zipfile stops at the declared size, so a lying member ends in a CRC error
                    written = info.file_size + 1
                if written > info.file_size:
                    target.unlink()
                    ignored.append((shown, "damaged, or unpacks larger than the zip declares "
                                           "(a zip bomb?); not extracted"))
                    continue
                total += written
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as e:
        raise SubmissionError(f"{zpath.name} is not a readable zip file ({e})") from None


_DEF_RE = re.compile(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*=", re.M)


def scan_python(path: Path, rel: str) -> SourceFile:
    sf = SourceFile(rel)
    raw = path.read_bytes()
    if not raw.strip() and path.name != "__init__.py":
        sf.problem = "the file is empty"
        return sf
    if b"\x00" in raw:
        sf.problem = "not a text file (it contains NUL bytes)"
        return sf
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        sf.problem = f"not valid UTF-8 (byte {e.start}); save the file as UTF-8"
        text = raw.decode("latin-1")
    try:
        tree = ast.parse(text, filename=rel)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        line = getattr(e, "lineno", None)
        sf.problem = sf.problem or f"a syntax error{f' on line {line}' if line else ''}: {getattr(e, 'msg', e)}"
        for m in _DEF_RE.finditer(text):
            sf.defines.add(m.group(1) or m.group(2))
        return sf
    for node in tree.body:
        _collect(node, sf)
    return sf


def _collect(node, sf: SourceFile):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        sf.defines.add(node.name)
    elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    sf.defines.add(n.id)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for a in node.names:
            if a.name != "*":
                sf.imports.add((a.asname or a.name).split(".")[0])
    elif isinstance(node, (ast.If, ast.Try)):
        for child in node.body + getattr(node, "orelse", []) + [
                n for h in getattr(node, "handlers", []) for n in h.body]:
            _collect(child, sf)
