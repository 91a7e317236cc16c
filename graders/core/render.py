"""Render a GradingResult: Gradescope JSON, a self-contained HTML scorecard, a terminal table."""
from __future__ import annotations

import base64
import json
import os
import struct
import zlib
from pathlib import Path

import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .results import STATUS_TEXT, GradingResult, format_value

_TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)

TABLE_MAX = 12  # arrays up to 12x12 are shown as tables; larger 2-D ones as images


def write_atomic(path: Path, text: str):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def gradescope_json(result: GradingResult) -> str:
    return json.dumps(result.to_gradescope(), indent=2, ensure_ascii=False, allow_nan=False)


# -- terminal ------------------------------------------------------------------------------
def terminal(result: GradingResult, *, verbose: bool = False, color: bool = False) -> str:
    def c(code, s):
        return f"\033[{code}m{s}\033[0m" if color else s

    width = max([len(x.name) for x in result.checks] + [30])
    width = min(width, 64)
    lines = [c("1", result.title)]
    if result.submission_label:
        lines.append(f"submission: {result.submission_label}")
    lines.append("")
    for x in result.checks:
        if x.status == "format_checked":  # kit without keys: neither passed nor failed
            mark = c("33", "FMT ")
        else:
            mark = c("32", "PASS") if x.passed else c("31", "FAIL")
        pts = f"{x.score:g}/{x.max_score:g}"
        name = x.name if len(x.name) <= width else x.name[: width - 1] + "…"
        hidden = "" if x.visibility == "visible" else f"  ({x.visibility})"
        lines.append(f"  {mark}  {x.number:<8} {name:<{width}} {pts:>9}{hidden}")
        if not x.passed:
            detail = x.text(max_chars=1500) if verbose else _one_line(x)
            lines += ["          " + ln for ln in detail.splitlines()]
    for m in result.manual:
        lines.append(f"  ----  {m.number:<8} {m.name[:width]:<{width}} {'manual':>9}  ({m.max_score:g} pts)")
        lines += ["          " + ln for ln in m.reported_text().splitlines()]
    lines.append("")
    total = f"Autograded score: {result.score:g} / {result.max_score:g}"
    lines.append(c("1", total))
    if result.manual:
        lines.append(f"Graded by course staff: {result.manual_points:g} more points")
    for n in result.notes:
        lines.append(f"Note: {n}")
    return "\n".join(lines)


def _one_line(x) -> str:
    s = x.message or STATUS_TEXT.get(x.status, x.status)
    if x.diagnosis:
        s += f"\nLikely mistake: {x.diagnosis}"
    return s


# -- HTML ----------------------------------------------------------------------------------
def html(result: GradingResult) -> str:
    return _env.get_template("scorecard.html.j2").render(
        r=result, show=_show, difference=_difference, status_text=STATUS_TEXT, pct=_pct(result))


def _difference(expected, actual):
    """Where a large 2-D answer is wrong, as a picture: shown only when shapes match."""
    if (isinstance(expected, np.ndarray) and isinstance(actual, np.ndarray)
            and expected.shape == actual.shape and expected.ndim == 2
            and max(expected.shape) > TABLE_MAX and actual.dtype.kind in "biuf"
            and np.all(np.isfinite(actual))):
        return np.abs(actual.astype(np.float64) - expected)
    return None


def _pct(result):
    return 0 if result.max_score == 0 else round(100 * result.score / result.max_score)


def _show(value):
    """HTML for a value: a table for small arrays, a picture for large 2-D ones."""
    from markupsafe import Markup, escape

    if isinstance(value, np.ndarray):
        arr = value
        if arr.ndim == 0:
            return escape(format_value(arr.item()))
        if arr.ndim == 1 and arr.size <= TABLE_MAX * 2:
            arr = arr[None, :]
        if arr.ndim == 2 and arr.shape[0] <= TABLE_MAX and arr.shape[1] <= TABLE_MAX:
            rows = "".join(
                "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in arr)
            return Markup(f'<table class="arr">{rows}</table><div class="shape">shape {value.shape}</div>')
        if arr.ndim == 2 and np.issubdtype(arr.dtype, np.number) and np.all(np.isfinite(arr)):
            return Markup(f'<img class="arrimg" alt="array of shape {arr.shape}" src="{png_data_uri(arr)}">'
                          f'<div class="shape">shape {arr.shape} (shown as an image; dark = low)</div>')
        return Markup(f"<pre>{escape(format_value(value, threshold=40))}</pre>")
    return Markup(f"<pre>{escape(format_value(value))}</pre>")


def _cell(v):
    if isinstance(v, (np.floating, float)):
        return f"{float(v):.4g}"
    return str(v)


def png_data_uri(arr: np.ndarray, max_side: int = 160) -> str:
    """A grayscale PNG of a 2-D array, scaled to 0..255, as a data URI (no matplotlib)."""
    a = np.asarray(arr, dtype=np.float64)
    step = max(1, int(np.ceil(max(a.shape) / max_side)))
    a = a[::step, ::step]
    lo, hi = float(a.min()), float(a.max())
    img = np.zeros(a.shape, np.uint8) if hi == lo else ((a - lo) / (hi - lo) * 255).astype(np.uint8)
    # Enlarge tiny images so they are visible.
    scale = max(1, 96 // max(img.shape))
    img = np.kron(img, np.ones((scale, scale), np.uint8))
    h, w = img.shape
    raw = b"".join(b"\x00" + img[i].tobytes() for i in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()


def write_outputs(result: GradingResult, out_dir: Path) -> tuple[Path, Path]:
    out_dir = Path(out_dir)
    rj, sc = out_dir / "results.json", out_dir / "scorecard.html"
    write_atomic(rj, gradescope_json(result))
    write_atomic(sc, html(result))
    return rj, sc
