"""Answer sheets: written answers (numbers, shapes, matrices, formulas) parsed safely and graded.

A student's answer is text. It is never evaluated by Python: a small tokenizer and a
recursive-descent parser turn it into a tree of numbers, names, operators and a fixed set of
functions, and the grader evaluates that tree itself in float64 (so ``2^2^2^99`` overflows to
infinity instead of hanging). Length and nesting are bounded; every malformed input raises
``AnswerParseError`` naming the question and the position.

The sheet format (one answer per question id, ``#`` starts a comment, an answer continues on
the next lines while its brackets are open)::

    1.a: [1, 2, 3]
    1.b.params: 5 × 5 × 3 × 8 + 8
    1.c: 2N(M - 1) + 1

Keys come from ``graders/<hw>/keys.py`` (``KEYS``, and optionally ``MISTAKES``: known wrong
answers written in the same notation), loaded only when a check runs. Without keys (the
students' kit) a check still parses the answer and checks its form, then ends with the status
``format_checked`` and no points.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

import numpy as np

from .checks import CheckSet
from .errors import CheckFailure, HarnessDeclarationError, StudentAbort
from .secrets import load_keys

MAX_ANSWER_CHARS = 4000
MAX_DEPTH = 60
MAX_SHEET_BYTES = 1 << 20
MAX_LIST_ITEMS = 10_000
SHEET_SUFFIXES = (".txt", ".md", ".text", ".answers")


class AnswerParseError(ValueError):
    """An answer that does not parse: says which question, where, and why."""

    def __init__(self, message: str, *, question: str = "", position: int | None = None, text: str = ""):
        self.question, self.position, self.text, self.reason = question, position, text, message
        where = f" at position {position + 1}" if position is not None else ""
        pointer = ""
        if position is not None and text and len(text) <= 200:
            pointer = f"\n    {text}\n    {' ' * position}^"
        super().__init__(f"{question + ': ' if question else ''}cannot read the answer{where}: "
                         f"{message}{pointer}")


class FormatChecked(StudentAbort):
    """No answer key here (the students' kit): the answer's form was checked, not its value."""

    status = "format_checked"


class MissingAnswer(StudentAbort):
    """The sheet is missing, or has no answer for the question."""

    status = "missing_answer"


# -- tokens ------------------------------------------------------------------------------------
_SUPERSCRIPTS = str.maketrans({"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5",
                               "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"})
_SUBSCRIPTS = str.maketrans({"₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6",
                             "₇": "7", "₈": "8", "₉": "9", "ₓ": "x", "ᵢ": "i", "ⱼ": "j", "ₖ": "k",
                             "ₙ": "n", "ₘ": "m", "ₗ": "l", "ₕ": "h", "ₛ": "s", "ₚ": "p"})
_SYMBOLS = {"×": "*", "·": "*", "⋅": "*", "∗": "*", "✕": "*", "÷": "/", "−": "-", "–": "-",
            "—": "-", "**": "^", "//": "//", "⌊": "⌊", "⌋": "⌋", "⌈": "⌈", "⌉": "⌉", "√": "√",
            "+": "+", "-": "-", "*": "*", "/": "/", "^": "^", "(": "(", ")": ")", "[": "[",
            "]": "]", ",": ",", ";": ";", "{": "(", "}": ")"}
_NUM = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d.])")
_IDENT = re.compile(r"[^\W\d][^\W⁰¹²³⁴⁵⁶⁷⁸⁹]*'*")
_GREEK = (("theta", "θ"), ("sigma", "σ"), ("Sigma", "Σ"), ("lambda", "λ"), ("eta", "η"))


@dataclass(frozen=True)
class Tok:
    kind: str     # num, name, op, sup (a superscript exponent), end
    text: str
    pos: int
    value: float = 0.0


def normalize_name(name: str) -> str:
    """``sigma_x``, ``σ_x`` and ``σx`` are one name; so are ``theta_k`` and ``θk``."""
    name = name.translate(_SUBSCRIPTS).replace("_", "")
    for word, letter in _GREEK:
        if name.startswith(word) and (word != "eta" or name == word):
            return letter + name[len(word):]
    return name


def tokenize(text: str, question: str = "") -> list[Tok]:
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerParseError(f"the answer is longer than {MAX_ANSWER_CHARS} characters", question=question)
    toks: list[Tok] = []
    i, n, depth = 0, len(text), 0

    def err(msg, pos):
        raise AnswerParseError(msg, question=question, position=pos, text=text)

    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻":
            j = i
            while j < n and text[j] in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻":
                j += 1
            digits = text[i:j].translate(_SUPERSCRIPTS)
            if not re.fullmatch(r"-?\d+", digits):
                err("a superscript must be a whole number", i)
            toks.append(Tok("sup", digits, i, float(digits)))
            i = j
            continue
        if ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            m = _THOUSANDS.match(text, i) if depth == 0 else None
            if m:
                toks.append(Tok("num", m.group(), i, float(m.group().replace(",", ""))))
                i = m.end()
                continue
            m = _NUM.match(text, i)
            toks.append(Tok("num", m.group(), i, float(m.group())))
            i = m.end()
            continue
        # "28x28x10": an x between a number (or a closing bracket) and a number means times.
        if ch in "xX" and toks and (toks[-1].kind == "num" or toks[-1].text == ")"):
            j = i + 1
            while j < n and text[j] == " ":
                j += 1
            if j < n and (text[j].isdigit() or text[j] == "("):
                toks.append(Tok("op", "*", i))
                i += 1
                continue
        if ch.isalpha() or ch == "_":
            m = _IDENT.match(text, i)
            if not m:
                err(f"unexpected character {ch!r}", i)
            toks.append(Tok("name", m.group(), i))
            i = m.end()
            continue
        two = text[i:i + 2]
        if two in ("**", "//"):
            toks.append(Tok("op", _SYMBOLS[two], i))
            i += 2
            continue
        if ch in _SYMBOLS:
            op = _SYMBOLS[ch]
            depth += op in "([⌊⌈"
            depth -= op in ")]⌋⌉"
            toks.append(Tok("op", op, i))
            i += 1
            continue
        err(f"unexpected character {ch!r}", i)
    toks.append(Tok("end", "", n))
    return toks


# -- parser --------------------------------------------------------------------------------
# Trees are tuples: ("num", v, text) ("name", id) ("neg", a) ("sum", [(sign, a), ...])
# ("prod", [(op, a), ...]) with op in "*", "/", "//"; ("pow", [base, e1, e2, ...]);
# ("call", fn, [args]); ("list", [items], bracket). Sums, products and powers are flat lists,
# so long chains never make the tree deep.
FUNCTIONS = {"sqrt": "sqrt", "floor": "floor", "ceil": "ceil", "abs": "abs", "exp": "exp",
             "log": "log", "ln": "log", "sigmoid": "sigmoid", "σ": "sigmoid", "max": "max",
             "min": "min", "sum": "sum", "sumi": "sum", "Σ": "sum", "Σi": "sum", "O": "O"}


class _Parser:
    def __init__(self, text: str, question: str, names: frozenset | None):
        self.text, self.question, self.names = text, question, names
        self.toks = tokenize(text, question)
        self.i = 0
        self.depth = 0

    # helpers
    def peek(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def err(self, msg: str, tok: Tok | None = None):
        tok = tok or self.peek()
        raise AnswerParseError(msg, question=self.question, position=tok.pos, text=self.text)

    def expect(self, op: str):
        t = self.peek()
        if t.kind == "op" and t.text == op:
            return self.take()
        found = "the end of the answer" if t.kind == "end" else repr(t.text)
        self.err(f"expected {op!r} but found {found}")

    def enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.err(f"the answer is nested more than {MAX_DEPTH} levels deep")

    # grammar
    def parse(self):
        tree = self.top()
        t = self.peek()
        if t.kind != "end":
            self.err(f"unexpected {t.text!r}; is an operator missing?")
        return tree

    def top(self):
        """A comma-separated sequence at the top level is a list (``2, 3, 5, 7``)."""
        first = self.expr()
        if self.peek().text in (",", ";") and self.peek().kind == "op":
            items = [first]
            while self.peek().kind == "op" and self.peek().text in (",", ";"):
                self.take()
                items.append(self.expr())
            return ("list", items, "")
        return first

    def expr(self):
        self.enter()
        terms = [("+", self.term())]
        while self.peek().kind == "op" and self.peek().text in ("+", "-"):
            op = self.take().text
            terms.append((op, self.term()))
        self.depth -= 1
        return terms[0][1] if len(terms) == 1 else ("sum", terms)

    def _starts_operand(self, t: Tok) -> bool:
        return t.kind in ("num", "name") or (t.kind == "op" and t.text in ("(", "√", "⌊", "⌈"))

    def term(self):
        factors = [("*", self.unary())]
        while True:
            t = self.peek()
            if t.kind == "op" and t.text in ("*", "/", "//"):
                self.take()
                factors.append((t.text, self.unary()))
            elif self._starts_operand(t) and not (t.kind == "num" and self._prev_is_number()):
                factors.append(("*", self.unary()))  # implicit: 2L, L(K-1), (L-1)(K-1)
            elif t.kind == "num":
                self.err("two numbers in a row; write an operator between them (e.g. 3 × 3)")
            else:
                break
        return factors[0][1] if len(factors) == 1 else ("prod", factors)

    def _prev_is_number(self) -> bool:
        return self.i > 0 and self.toks[self.i - 1].kind in ("num", "sup")

    def unary(self):
        t = self.peek()
        if t.kind == "op" and t.text in "+-":
            self.take()
            self.enter()
            inner = self.unary()
            self.depth -= 1
            return ("neg", inner) if t.text == "-" else inner
        if t.kind == "op" and t.text == "√":
            self.take()
            self.enter()
            inner = self.unary()
            self.depth -= 1
            return ("call", "sqrt", [inner])
        return self.power()

    def power(self):
        parts = [self.primary()]
        while True:
            t = self.peek()
            if t.kind == "sup":
                self.take()
                parts.append(("num", t.value, t.text))
            elif t.kind == "op" and t.text == "^":
                self.take()
                nxt = self.peek()
                if nxt.kind == "op" and nxt.text in "+-":
                    self.take()
                    self.enter()
                    e = self.primary()
                    self.depth -= 1
                    parts.append(("neg", e) if nxt.text == "-" else e)
                else:
                    parts.append(self.primary())
            else:
                break
        return parts[0] if len(parts) == 1 else ("pow", parts)

    def primary(self):
        t = self.peek()
        if t.kind == "num":
            self.take()
            return ("num", t.value, t.text)
        if t.kind == "name":
            return self.name()
        if t.kind == "op" and t.text in ("(", "[", "⌊", "⌈"):
            self.take()
            self.enter()
            close = {"(": ")", "[": "]", "⌊": "⌋", "⌈": "⌉"}[t.text]
            if t.text == "[" and self.peek().kind == "op" and self.peek().text == "]":
                self.err("an empty list")
            items = [self.expr()]
            while t.text in "([" and self.peek().kind == "op" and self.peek().text in (",", ";"):
                self.take()
                items.append(self.expr())
                if len(items) > MAX_LIST_ITEMS:
                    self.err(f"a list of more than {MAX_LIST_ITEMS} items")
            self.expect(close)
            self.depth -= 1
            if t.text == "⌊":
                return ("call", "floor", items)
            if t.text == "⌈":
                return ("call", "ceil", items)
            if t.text == "[" or len(items) > 1:
                return ("list", items, t.text)
            return items[0]
        if t.kind == "end":
            self.err("the answer ends where a number or a name was expected")
        self.err(f"unexpected {t.text!r}")

    def name(self):
        t = self.take()
        raw = normalize_name(t.text)
        nxt = self.peek()
        if nxt.kind == "op" and nxt.text == "(" and (raw in FUNCTIONS or t.text.lower() in FUNCTIONS):
            fn = FUNCTIONS.get(raw) or FUNCTIONS[t.text.lower()]
            self.take()
            self.enter()
            args = [self.expr()]
            while self.peek().kind == "op" and self.peek().text == ",":
                self.take()
                args.append(self.expr())
            self.expect(")")
            self.depth -= 1
            arity = {"max": None, "min": None}.get(fn, 1)
            if arity is not None and len(args) != arity:
                self.err(f"{t.text}(...) takes one argument", t)
            return ("call", fn, args)
        if self.names is None:
            return ("name", raw)
        if raw in self.names:
            return ("name", raw)
        parts = _split_names(raw, self.names)
        if parts:
            return ("prod", [("*", ("name", p)) for p in parts])
        allowed = ", ".join(sorted(self.names)) or "no names (write a number)"
        self.err(f"unknown name {t.text!r}; this answer may use: {allowed}", t)


def _split_names(word: str, names: frozenset) -> list[str] | None:
    """``KKCF`` or ``CF`` as a product of known names, or None."""
    if len(word) > 40:
        return None
    best: dict[int, list[str]] = {0: []}
    for i in range(len(word)):
        if i not in best:
            continue
        for nm in names:
            if word.startswith(nm, i) and i + len(nm) not in best:
                best[i + len(nm)] = best[i] + [nm]
    return best.get(len(word))


@dataclass(frozen=True)
class Answer:
    """A parsed answer: the tree, the unit written after it (if any), and the source text."""

    tree: tuple
    text: str
    unit: str = ""


def parse(text: str, *, question: str = "", names: Iterable[str] | None = (),
          units: Iterable[str] = ()) -> Answer:
    """Parse one answer. ``names``: the quantities a formula may use (None: any name);
    ``units``: unit words the answer may end with (``MB``, ``MiB``, ``M``...)."""
    if not isinstance(text, str):
        raise AnswerParseError("the answer is not text", question=question)
    text = text.strip()
    if not text:
        raise AnswerParseError("the answer is empty", question=question)
    unit = ""
    units = tuple(units)
    if units:
        m = re.search(r"(?<![A-Za-z_])([A-Za-z]+)\s*\.?$", text)
        if m:
            word = m.group(1)
            unit = next((u for u in units if u == word), None) or next(
                (u for u in units if u.lower() == word.lower()), "")
            if unit:
                text = text[:m.start()].rstrip()
                if not text:
                    raise AnswerParseError("a unit without a number", question=question)
    allowed = None if names is None else frozenset(normalize_name(n) for n in names)
    tree = _Parser(text, question, allowed).parse()
    return Answer(tree, text, unit)


# -- evaluation -----------------------------------------------------------------------------
class EvalError(ValueError):
    pass


def evaluate(tree, env: dict | None = None, *, sum_axis: int = 0):
    """The value of a tree in float64; names are looked up in ``env`` (floats or arrays).
    Lists evaluate to numpy arrays. ``sum(...)`` sums over axis ``sum_axis`` (the data index)."""
    env = env or {}
    with np.errstate(all="ignore"):
        return _ev(tree, env, sum_axis)


def _ev(t, env, ax):
    kind = t[0]
    if kind == "num":
        return np.float64(t[1])
    if kind == "name":
        if t[1] not in env:
            raise EvalError(f"the name {t[1]!r} has no value here")
        return env[t[1]]
    if kind == "neg":
        return -_ev(t[1], env, ax)
    if kind == "sum":
        acc = None
        for sign, sub in t[1]:
            v = _ev(sub, env, ax)
            v = -v if sign == "-" else v
            acc = v if acc is None else acc + v
        return acc
    if kind == "prod":
        acc = None
        for op, sub in t[1]:
            v = _ev(sub, env, ax)
            if acc is None:
                acc = v
            elif op == "*":
                acc = acc * v
            elif op == "/":
                acc = acc / v
            else:
                acc = np.floor(acc / v)
        return acc
    if kind == "pow":
        vals = [_ev(sub, env, ax) for sub in t[1]]
        acc = vals[-1]
        for base in reversed(vals[:-1]):
            acc = np.power(np.asarray(base, dtype=np.float64), acc)
        return acc
    if kind == "call":
        fn, args = t[1], [_ev(a, env, ax) for a in t[2]]
        if fn == "max":
            return np.maximum.reduce([np.asarray(a, float) for a in args])
        if fn == "min":
            return np.minimum.reduce([np.asarray(a, float) for a in args])
        a = np.asarray(args[0], dtype=np.float64)
        if fn == "sum":
            return a.sum(axis=ax) if a.ndim else a * env.get("__sum_count__", 1)
        return {"sqrt": np.sqrt, "floor": np.floor, "ceil": np.ceil, "abs": np.abs, "exp": np.exp,
                "log": np.log, "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "O": lambda v: v}[fn](a)
    if kind == "list":
        items = [_ev(sub, env, ax) for sub in t[1]]
        try:
            arr = np.array(items, dtype=np.float64)
        except ValueError:
            raise EvalError("the rows of this list have different lengths") from None
        return arr
    raise EvalError(f"cannot evaluate {kind}")


def names_in(tree) -> set[str]:
    out, stack = set(), [tree]
    while stack:
        t = stack.pop()
        if t[0] == "name":
            out.add(t[1])
        elif t[0] in ("neg",):
            stack.append(t[1])
        elif t[0] in ("sum", "prod"):
            stack.extend(sub for _, sub in t[1])
        elif t[0] == "pow":
            stack.extend(t[1])
        elif t[0] == "call":
            stack.extend(t[2])
        elif t[0] == "list":
            stack.extend(t[1])
    return out


def dims_of(tree) -> tuple[int, ...] | None:
    """An answer written as a shape: ``28 × 28 × 10``, ``28x28x10``, ``[2, 3, 5, 7]``,
    ``(7, 7)`` or a single whole number. None when the answer is not written as a shape."""
    def whole(t):
        if t[0] == "num" and float(t[1]).is_integer():
            return int(t[1])
        return None

    if whole(tree) is not None:
        return (whole(tree),)
    if tree[0] == "list":
        vals = [whole(sub) for sub in tree[1]]
    elif tree[0] == "prod" and all(op == "*" for op, _ in tree[1]):
        vals = [whole(sub) for _, sub in tree[1]]
    else:
        return None
    return None if any(v is None for v in vals) else tuple(vals)


# -- the answer sheet ---------------------------------------------------------------------
_LINE = re.compile(r"^\s*[Qq]?(\d+(?:\.[0-9A-Za-z_\-]+)*)\s*[:=]\s?(.*)$")


def normalize_key(key: str) -> str:
    return key.strip().lower()


@dataclass
class Entry:
    key: str
    text: str
    line: int


@dataclass
class AnswerSheet:
    path: str                                     # relative to the submission
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def get(self, key: str) -> Entry | None:
        return self.entries.get(normalize_key(key))


def parse_sheet(text: str, path: str = "answers.txt") -> AnswerSheet:
    """Read ``question: answer`` lines. Blank lines and ``#`` comments are skipped; an answer
    whose brackets are still open continues on the next lines."""
    sheet = AnswerSheet(path)
    pending: Entry | None = None
    balance = 0
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if pending is not None and balance > 0:
            pending.text += " " + line.strip()
            balance += _balance(line)
            if balance <= 0:
                pending = None
            continue
        pending = None
        if not line.strip() or line.lstrip().startswith(("```", "<!--", ">")):
            continue
        m = _LINE.match(line)
        if not m:
            if re.match(r"^\s*\d", line):
                sheet.problems.append(f"{path} line {no} is not 'question: answer': {line.strip()[:60]!r}")
            continue
        key, value = normalize_key(m.group(1)), m.group(2).strip()
        if key in sheet.entries and sheet.entries[key].text:
            sheet.problems.append(f"{path} line {no}: {m.group(1)} is answered twice; "
                                  f"the answer on line {no} is graded")
        entry = Entry(key, value, no)
        sheet.entries[key] = entry
        balance = _balance(value)
        if balance > 0:
            pending = entry
    return sheet


def _balance(s: str) -> int:
    return sum(s.count(c) for c in "([⌊⌈") - sum(s.count(c) for c in ")]⌋⌉")


def find_sheet(root: Path, keys: Iterable[str]) -> AnswerSheet | None:
    """The file in the submission that answers the most of ``keys``. Ties go to a file whose
    name says ``answer``, then the shallowest path, then alphabetical order."""
    wanted = {normalize_key(k) for k in keys}
    if not wanted:
        return None
    best = None
    for f in sorted(Path(root).rglob("*")):
        rel = f.relative_to(root).as_posix()
        if (f.suffix.lower() not in SHEET_SUFFIXES or not f.is_file() or f.is_symlink()
                or any(p.startswith(".") or p in ("__MACOSX", "__pycache__") for p in PurePosixPath(rel).parts)):
            continue
        if f.stat().st_size > MAX_SHEET_BYTES:
            continue
        text = f.read_bytes().decode("utf-8", "replace")
        sheet = parse_sheet(text, rel)
        hits = len(wanted & {k for k, e in sheet.entries.items()})
        if not hits:
            continue
        rank = (-hits, "answer" not in f.name.lower(), rel.count("/"), rel)
        if best is None or rank < best[0]:
            best = (rank, sheet)
    return best[1] if best else None


#: A module or notebook may hold its answers as ``ANSWERS = {"2.a": ..., ...}`` instead of (or
#: besides) an answer sheet; the values are read through the worker as plain data.
VARIABLE = "ANSWERS"


def _as_answer_text(v) -> str | None:
    """An answer value from the worker as the text a student would have written."""
    import numpy as np

    if isinstance(v, str):
        return v
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, np.ndarray) and v.dtype.kind in "iuf":
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        parts = [_as_answer_text(x) for x in v]
        return None if any(p is None for p in parts) else "[" + ", ".join(parts) + "]"
    return None


def merge_variable(sheet: AnswerSheet | None, value, where: str, keys: Iterable[str]) -> AnswerSheet | None:
    """Add the answers of an ``ANSWERS`` dict (from ``where``) to ``sheet``. The sheet file wins
    for a question both answer; anything unreadable is reported, not guessed."""
    if not isinstance(value, dict):
        out = sheet or AnswerSheet(where)
        out.problems.append(f"{where}: {VARIABLE} should be a dict of question -> answer; "
                            f"it was ignored")
        return out
    wanted = {normalize_key(k) for k in keys}
    out = sheet or AnswerSheet(where)
    taken = []
    for raw_key, v in value.items():
        key = normalize_key(str(raw_key))
        if key not in wanted:
            continue
        text = _as_answer_text(v)
        if text is None:
            out.problems.append(f"{where}: {VARIABLE}[{raw_key!r}] is not a number, text or list; ignored")
            continue
        if len(text) > 4000:
            text = text[:4001]  # the parser reports it as too long
        existing = out.get(key)
        if existing is not None and existing.text.strip():
            out.problems.append(f"{key} is answered in {out.path} and in {where}; graded the one in {out.path}")
            continue
        out.entries[key] = Entry(key, text, 0)
        taken.append(key)
    if taken and out.path != where:
        out.path = f"{out.path} + {where}"
    return out


class SheetView:
    """What an answer check sees: the entries it declared, by question id."""

    def __init__(self, sheet: AnswerSheet | None, allowed: Iterable[str], number: str):
        self._sheet = sheet
        self._allowed = {normalize_key(k) for k in allowed}
        self._number = number

    def text(self, key: str) -> str:
        if normalize_key(key) not in self._allowed:
            raise HarnessDeclarationError(f"check {self._number} reads answer {key} but does not "
                                          f"list it in answers=")
        if self._sheet is None:
            raise MissingAnswer(f"No answer sheet found, so there is no answer for {key}. Copy the "
                              f"template's answers.txt into your submission and fill it in.")
        e = self._sheet.get(key)
        if e is None or not e.text.strip() or e.text.strip() in ("?", "...", "TODO"):
            raise MissingAnswer(f"{self._sheet.path} has no answer for {key}.")
        return e.text

    @property
    def path(self) -> str:
        return self._sheet.path if self._sheet else ""


# -- declaring answer checks -------------------------------------------------------------------
@dataclass(frozen=True)
class Accept:
    """Several acceptable answers, each graded on its own (e.g. L(K-1)+1 and (L-1)(K-1)+1)."""

    options: tuple

    def __init__(self, *options):
        object.__setattr__(self, "options", tuple(options))


def _options(key) -> tuple:
    return key.options if isinstance(key, Accept) else (key,)


def _parse_or_fail(text: str, question: str, **kw) -> Answer:
    try:
        return parse(text, question=question, **kw)
    except AnswerParseError as e:
        raise CheckFailure(str(e), hint="Write the answer as the template shows, e.g. "
                           "3 × 3 × 10 + 10, [1, 2, 3], [[1, 2], [3, 4]] or K*K*C*F.") from None


def _keys(package: str, qid: str):
    mod = load_keys(package)
    if mod is None:
        return None, ()
    if qid not in mod.KEYS:
        raise HarnessDeclarationError(f"{package}.keys has no key for answer {qid}")
    return mod.KEYS[qid], tuple(getattr(mod, "MISTAKES", {}).get(qid, ()))


def _no_key(question: str, what: str):
    raise FormatChecked(f"Format checked only: your answer to {question} reads as {what}. This "
                        f"copy of the grader has no answer key, so correctness is not graded and "
                        f"no points are given here.")


def _describe(v) -> str:
    a = np.asarray(v)
    return "a number" if a.ndim == 0 else f"an array of shape {a.shape}"


class AnswerChecks(CheckSet):
    """A ``CheckSet`` of answer-sheet checks. Each method declares one check that reads one
    sheet entry and grades it against ``KEYS[question]`` from the homework's ``keys.py``."""

    def __init__(self, title: str, package: str):
        super().__init__(title)
        self.package = package

    def _declare(self, number, name, points, question, grade, doc, visibility="visible", tags=()):
        question = question or number

        def fn(s):
            text = s.answers.text(question)
            grade(question, text)

        fn.__doc__ = doc
        fn.__name__ = f"answer_{number.replace('.', '_')}"
        self.check(number, name, points=points, needs=(), answers=[question],
                   visibility=visibility, tags=("answer",) + tuple(tags))(fn)

    def values(self, number, name, *, points, shape: tuple, question=None, rtol=1e-9,
               scalar_ok=False, doc=None, **kw):
        """A number, vector or matrix: exact shape, then values within ``rtol`` (1e-9: exact
        for the whole numbers and short decimals these homework use)."""
        def grade(q, text):
            got = _value(_parse_or_fail(text, q, names=()), q)
            if scalar_ok and got.ndim == 0 and int(np.prod(shape)) == 1:
                got = got.reshape(shape)
            if got.shape != tuple(shape):
                want = "a number" if shape == () else f"{'x'.join(map(str, shape))} values"
                raise CheckFailure(f"{q}: your answer is {_describe(got)}; the question asks for {want}.",
                                   actual=got)
            key, mistakes = _keys(self.package, q)
            if key is None:
                _no_key(q, _describe(got))
            for opt in _options(key):
                exp = np.asarray(opt, dtype=np.float64).reshape(shape)
                if _close(got, exp, rtol):
                    return
            exp = np.asarray(_options(key)[0], dtype=np.float64).reshape(shape)
            raise CheckFailure(f"{q}: your answer is not the expected value.", expected=exp, actual=got,
                               diagnosis=_match(mistakes, q, lambda t: _close(_value(parse(t, names=()), q)
                                                                              .reshape(got.shape), got, rtol)))

        self._declare(number, name, points, question, grade, doc or
                      f"The answer to {question or number} has the expected shape {shape} and values.", **kw)

    def together(self, number, name, *, points, questions: tuple, doc: str, **kw):
        """Several one-number answers graded as one tuple, so that each accepted reading
        (``Accept((2, 3), (0.5, 0.5))``) must hold for all of them at once."""
        questions = tuple(questions)

        def fn(s):
            got = []
            for q in questions:
                v = _value(_parse_or_fail(s.answers.text(q), q, names=()), q)
                if v.ndim != 0:
                    raise CheckFailure(f"{q}: your answer is {_describe(v)}; the question asks for one number.")
                got.append(float(v))
            key, mistakes = _keys(self.package, number)
            if key is None:
                _no_key(number, f"{len(got)} numbers")
            for opt in _options(key):
                if _close(np.array(got), np.asarray(opt, dtype=np.float64), 1e-9):
                    return
            shown = dict(zip(questions, got))
            raise CheckFailure(f"{number}: {', '.join(f'{q} = {v:g}' for q, v in shown.items())} is not "
                               f"an accepted answer.", expected=dict(zip(questions, _options(key)[0])),
                               actual=shown, diagnosis=_match(mistakes, number, lambda t: _close(
                                   np.asarray(evaluate(parse(t).tree)), np.array(got), 1e-9)))

        fn.__doc__ = doc
        self.check(number, name, points=points, answers=questions, tags=("answer",) + tuple(kw.pop("tags", ())),
                   **kw)(fn)

    def dims(self, number, name, *, points, question=None, doc=None, **kw):
        """A shape written as 28 × 28 × 10, 28x28x10, [2, 3, 5, 7] or one whole number;
        compared entry by entry, in the order the question uses."""
        def grade(q, text):
            ans = _parse_or_fail(text, q, names=())
            got = dims_of(ans.tree)
            if got is None:
                raise CheckFailure(f"{q}: write the shape as whole numbers, e.g. 28 × 28 × 1 or "
                                   f"[1, 28, 28]; could not read {text!r} as a shape.")
            key, mistakes = _keys(self.package, q)
            if key is None:
                _no_key(q, f"the shape {' × '.join(map(str, got))}")
            opts = [tuple(o) for o in _options(key)]
            if got in opts:
                return
            raise CheckFailure(f"{q}: the shape {' × '.join(map(str, got))} is not right.",
                               expected=" × ".join(map(str, opts[0])), actual=" × ".join(map(str, got)),
                               diagnosis=_match(mistakes, q, lambda t: dims_of(parse(t, names=()).tree) == got))

        self._declare(number, name, points, question, grade, doc or
                      f"The shape given for {question or number} is the right one, entry by entry.", **kw)

    def quantity(self, number, name, *, points, readings: dict, rtol: float, question=None,
                 doc=None, **kw):
        """A number with an optional unit. ``readings`` maps each accepted unit ("" for none)
        to the scales it may mean, so "MB" can stand for 10^6 or 2^20 bytes where the homework
        does not say which; the key is in base units."""
        units = [u for u in readings if u]

        def grade(q, text):
            ans = _parse_or_fail(text, q, names=(), units=units)
            got = _value(ans, q)
            if got.ndim != 0:
                raise CheckFailure(f"{q}: your answer is {_describe(got)}; the question asks for one number.")
            key, mistakes = _keys(self.package, q)
            if key is None:
                _no_key(q, f"the number {float(got):g} {ans.unit}".rstrip())
            key = float(key)
            for scale in readings[ans.unit]:
                if abs(float(got) * scale - key) <= rtol * abs(key):
                    return
            shown = ", ".join(f"{key / s:.6g} {u or '(no unit)'}" for u, ss in readings.items() for s in ss[:1])
            raise CheckFailure(f"{q}: {text.strip()} is not within {rtol:.1%} of the expected value.",
                               expected=shown, actual=text.strip(),
                               diagnosis=_match(mistakes, q, lambda t: _same_quantity(t, got, ans.unit, units, rtol)))

        self._declare(number, name, points, question, grade, doc or
                      f"The number given for {question or number} matches the key.", **kw)

    def formula(self, number, name, *, points, names: Iterable[str], domain: Callable, question=None,
                up_to_constant=False, max_examples=60, doc=None, **kw):
        """A formula in the question's named quantities, tested for equivalence with the key at
        points drawn by hypothesis from ``domain`` (a strategy of dicts name -> value, where an
        array value makes that name indexed by the data index that ``sum_i`` sums over)."""
        names = tuple(names)

        def grade(q, text):
            ans = _parse_or_fail(text, q, names=names)
            key, mistakes = _keys(self.package, q)
            if key is None:
                _no_key(q, f"a formula in {', '.join(sorted(names_in(ans.tree))) or 'no names'}")
            failures = []
            for opt in _options(key):
                failure = _equivalent(ans, parse(opt, names=names), domain, q, up_to_constant,
                                      max_examples)
                if failure is None:
                    return
                failures.append(failure)
            first = failures[0]
            first.diagnosis = _match(mistakes, q, lambda t: _equivalent(
                ans, parse(t, names=names), domain, q, up_to_constant, 40) is None)
            raise first

        self._declare(number, name, points, question, grade, doc or
                      f"The formula for {question or number} equals the key at every point drawn.", **kw)


def _same_quantity(text, got, unit, units, rtol) -> bool:
    m = parse(text, names=(), units=units)
    v = float(evaluate(m.tree))
    return m.unit == unit and abs(v - float(got)) <= rtol * max(1.0, abs(v))


def _value(ans: Answer, q: str) -> np.ndarray:
    try:
        v = np.asarray(evaluate(ans.tree), dtype=np.float64)
    except EvalError as e:
        raise CheckFailure(f"{q}: {e}") from None
    if not np.all(np.isfinite(v)):
        raise CheckFailure(f"{q}: the answer evaluates to a non-finite number.")
    return v


def _close(got, exp, rtol) -> bool:
    return got.shape == exp.shape and bool(np.all(np.abs(got - exp) <= rtol * np.maximum(1.0, np.abs(exp))))


def _match(mistakes, q, same: Callable[[str], bool]) -> str | None:
    for name, why, text in mistakes:
        try:
            if same(text):
                return f"{name}: {why}"
        except (AnswerParseError, CheckFailure, EvalError, ValueError):
            continue
    return None


def _equivalent(ans: Answer, key: Answer, domain, q, up_to_constant, max_examples) -> CheckFailure | None:
    """None when ``ans`` equals ``key`` at every point drawn; else the failure at the smallest
    point hypothesis finds."""
    from hypothesis import given, settings

    from .strategies import GRADING

    ratio: list[float] = []

    def differs(point) -> tuple | None:
        env = dict(point)
        sizes = [np.size(v) for v in env.values() if np.ndim(v)]
        env["__sum_count__"] = sizes[0] if sizes else 1
        try:
            got = np.asarray(evaluate(ans.tree, env), dtype=np.float64)
            exp = np.asarray(evaluate(key.tree, env), dtype=np.float64)
        except EvalError as e:
            return str(e), None, None
        if got.shape != exp.shape:
            return ("your formula still depends on the data index; sum it with sum_i(...)"
                    if got.ndim > exp.ndim else "your formula has the wrong shape"), exp, got
        if not np.all(np.isfinite(exp)):
            return None
        if not np.all(np.isfinite(got)):
            return "your formula is undefined or infinite here", exp, got
        if up_to_constant:
            if np.all(exp == 0):
                return None if np.all(got == 0) else ("differs", exp, got)
            r = float(np.ravel(got / exp)[0])
            if not ratio:
                ratio.append(r)
            if r > 0 and abs(r - ratio[0]) <= 1e-9 * abs(ratio[0]):
                return None
            return "your formula does not grow like the key", exp, got
        if np.all(np.abs(got - exp) <= 1e-9 * np.maximum(1.0, np.abs(exp))):
            return None
        return "your formula gives a different value here", exp, got

    found: list = []

    @settings(GRADING, max_examples=max_examples)
    @given(point=domain)
    def run(point):
        d = differs(point)
        if d is not None:
            found[:] = [point, d]
            raise AssertionError

    try:
        run()
    except AssertionError:
        point, (why, exp, got) = found
        shown = {k: (v.tolist() if isinstance(v, np.ndarray) else _plain(v)) for k, v in point.items()}
        return CheckFailure(f"{q}: {why}.", inputs=shown,
                            expected=None if exp is None else _plain(exp),
                            actual=None if got is None else _plain(got))
    return None


def _plain(v):
    a = np.asarray(v)
    if a.ndim == 0:
        f = float(a)
        return int(f) if f.is_integer() and abs(f) < 2**53 else f
    return a
