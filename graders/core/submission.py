"""Find what a homework needs in a submission, as students really hand it in.

The submission (folder, zip, or loose files) is copied into a scratch folder the worker runs
in. Every ``.py`` file is read statically (``ast``, never imported here) for the top-level
names it defines, so a function is found by what it is called, whatever the file is called.
"""
from __future__ import annotations

import ast
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
MAX_FILES = 5000
SKIP_DIRS = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git", ".venv", "venv", "node_modules"}


class SubmissionError(Exception):
    """The submission cannot be read at all (missing path, unreadable zip, ...)."""


@dataclass
class SourceFile:
    relpath: str
    defines: set[str] = field(default_factory=set)   # def / class / assignment at top level
    imports: set[str] = field(default_factory=set)   # names bound by import at top level
    problem: str | None = None                       # why it cannot be imported, if known


@dataclass
class Located:
    name: str
    relpath: str
    note: str = ""   # how a tie between files was broken


@dataclass
class Submission:
    root: Path
    files: list[SourceFile]
    ignored: list[tuple[str, str]]

    def locate(self, names, hints: dict | None = None) -> dict[str, Located]:
        """Map each needed name to the file that defines it.

        Rule when several files define a name: a file whose stem is the homework's suggested
        file for that name wins; then a file that defines it with ``def``/``class`` over one
        that only imports it; then the shallowest path; then alphabetical order.
        """
        hints = hints or {}
        found: dict[str, Located] = {}
        for name in names:
            defining = [f for f in self.files if name in f.defines]
            candidates = defining or [f for f in self.files if name in f.imports]
            if not candidates:
                continue
            hint = hints.get(name)
            candidates.sort(key=lambda f: (PurePosixPath(f.relpath).stem != hint,
                                           f.relpath.count("/"), f.relpath))
            best = candidates[0]
            note = ""
            if len(candidates) > 1:
                others = ", ".join(f.relpath for f in candidates[1:])
                note = f"also defined in {others}; graded the one in {best.relpath}"
            found[name] = Located(name, best.relpath, note)
        return found


def prepare(paths, scratch: Path) -> Submission:
    """Copy the submission into ``scratch`` and index its Python files."""
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
    files = []
    for f in sorted(scratch.rglob("*.py")):
        rel = f.relative_to(scratch).as_posix()
        if any(part in SKIP_DIRS or part.startswith(".") for part in PurePosixPath(rel).parts[:-1]):
            ignored.append((rel, "in a cache or hidden folder"))
            continue
        files.append(scan_python(f, rel))
    return Submission(scratch, files, ignored)


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


def _extract_zip(zpath: Path, dst: Path, ignored):
    try:
        with zipfile.ZipFile(zpath) as z:
            infos = z.infolist()
            if len(infos) > MAX_FILES:
                raise SubmissionError(f"{zpath.name} holds more than {MAX_FILES} files")
            total = 0
            for info in infos:
                name = info.filename.replace("\\", "/")
                parts = PurePosixPath(name).parts
                if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                    ignored.append((name, "unsafe path in zip, not extracted"))
                    continue
                if any(part in SKIP_DIRS for part in parts):
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    ignored.append((name, "a symbolic link in zip, not extracted"))
                    continue
                target = dst.joinpath(*parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                total += info.file_size
                if total > MAX_UNZIPPED_BYTES:
                    raise SubmissionError(f"{zpath.name} unpacks to more than "
                                          f"{MAX_UNZIPPED_BYTES >> 20} MiB; not graded")
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, open(target, "wb") as out:
                    # Count real bytes: a zip's declared sizes can lie.
                    written = 0
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > info.file_size or total - info.file_size + written > MAX_UNZIPPED_BYTES:
                            raise SubmissionError(f"{zpath.name}: {name} is larger than declared; not graded")
                        out.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError) as e:
        raise SubmissionError(f"{zpath.name} is not a readable zip file ({e})") from None


_DEF_RE = re.compile(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*=", re.M)


def scan_python(path: Path, rel: str) -> SourceFile:
    sf = SourceFile(rel)
    raw = path.read_bytes()
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
