"""Safe encoding of values that cross the worker boundary.

A frame is ``MAGIC | u32 header length | header JSON | raw array buffers``. The header
holds numbers, strings, lists and dicts; numpy arrays are written as a reference to a
buffer with an explicit dtype and shape. Nothing is ever pickled, and decoding is
defensive: a frame from the worker is treated as hostile input.

Anything the worker cannot encode stays in the worker behind an opaque ``Handle``.
"""
from __future__ import annotations

import json
import math
import struct

import numpy as np

MAGIC = b"GRD1"
_HDR = struct.Struct("<4sQQ")  # magic, header length, total buffer length

#: The largest frame either side accepts (bytes). The homework's biggest tensor,
#: 50x50x64x64 float64, is 80 MB.
MAX_FRAME_BYTES = 512 * 1024 * 1024
MAX_DEPTH = 64
MAX_ITEMS = 1_000_000  # list items + dict keys in one header

#: dtypes allowed across the boundary; no object, void, string or datetime arrays.
ALLOWED_DTYPES = frozenset(
    np.dtype(t).str
    for t in (
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float16", "float32", "float64", "complex64", "complex128",
    )
)


class FrameError(ValueError):
    """A frame that is malformed, oversized, or holds something not allowed."""


class Handle:
    """An object that lives in the worker; the parent can pass it back or call its methods."""

    __slots__ = ("id", "type_name")

    def __init__(self, id: int, type_name: str):
        self.id = int(id)
        self.type_name = str(type_name)[:200]

    def __repr__(self) -> str:
        return f"<worker object #{self.id} of type {self.type_name}>"

    def __eq__(self, other):
        return type(other) is Handle and other.id == self.id

    def __hash__(self):
        return hash(("Handle", self.id))


def encode(value, on_unencodable=None) -> bytes:
    """Encode ``value`` into one frame (see ``encode_parts``)."""
    return b"".join(encode_parts(value, on_unencodable))


def encode_parts(value, on_unencodable=None) -> list:
    """Encode ``value`` into one frame, returned as a list of buffers to write in order, so
    large arrays are written from their own memory instead of being copied into one bytes.

    ``on_unencodable(obj) -> Handle`` is called for anything that is not a plain value; the
    worker uses it to keep models, caches and optimizers behind handles. Without it, such a
    value raises ``FrameError``.
    """
    buffers: list[bytes] = []
    offset = [0]
    count = [0]

    def array(a: np.ndarray):
        a = np.array(a, copy=None, order="C")  # keeps 0-d arrays 0-d
        if a.dtype.byteorder == ">" or (a.dtype.byteorder == "=" and not _little()):
            a = a.astype(a.dtype.newbyteorder("<"))
        dt = a.dtype.str
        if dt not in ALLOWED_DTYPES:
            raise FrameError(f"arrays of dtype {a.dtype} cannot be returned")
        raw = memoryview(a.reshape(-1).view(np.uint8))  # the array's own bytes, no copy
        buffers.append(raw)
        ref = {"__nd__": [dt, list(a.shape), offset[0], raw.nbytes]}
        offset[0] += raw.nbytes
        return ref

    def enc(v, depth):
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS:
            raise FrameError("value is nested too deeply or has too many items")
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int):
            if abs(v) >= 2**63:
                return {"__bigint__": str(v)}
            return int(v)
        if isinstance(v, float):
            f = float(v)
            return f if math.isfinite(f) else {"__float__": repr(f)}
        if isinstance(v, complex):
            return {"__complex__": [enc(v.real, depth + 1), enc(v.imag, depth + 1)]}
        if isinstance(v, np.ndarray):
            return array(v)
        if isinstance(v, np.generic):
            return array(np.asarray(v))
        if isinstance(v, Handle):
            return {"__handle__": [v.id, v.type_name]}
        if isinstance(v, (list, tuple)):
            items = [enc(x, depth + 1) for x in v]
            return items if isinstance(v, list) else {"__tuple__": items}
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                if not isinstance(k, str):
                    raise FrameError("dict keys must be strings")
                if k.startswith("__") and k.endswith("__"):
                    k = "\\" + k  # keep user keys apart from our markers
                out[k] = enc(x, depth + 1)
            return out
        if on_unencodable is not None:
            return enc(on_unencodable(v), depth)
        raise FrameError(f"a value of type {type(v).__name__} cannot cross the boundary")

    header = json.dumps(enc(value, 0), separators=(",", ":"), allow_nan=False).encode()
    body_len = offset[0]
    if len(header) + body_len > MAX_FRAME_BYTES:
        raise FrameError(f"frame of {len(header) + body_len} bytes exceeds the limit")
    return [_HDR.pack(MAGIC, len(header), body_len), header, *buffers]


def _little() -> bool:
    import sys

    return sys.byteorder == "little"


def read_frame(read_exact, max_bytes: int = MAX_FRAME_BYTES):
    """Read one frame with ``read_exact(n) -> bytes`` and decode it."""
    head = read_exact(_HDR.size)
    magic, hlen, blen = _HDR.unpack(head)
    if magic != MAGIC:
        raise FrameError("bad frame magic")
    if hlen + blen > max_bytes:
        raise FrameError(f"frame of {hlen + blen} bytes exceeds the limit of {max_bytes}")
    header = read_exact(hlen)
    body = read_exact(blen)
    return decode(header, body)


def decode_frame(frame: bytes, max_bytes: int = MAX_FRAME_BYTES):
    pos = [0]

    def read_exact(n):
        chunk = frame[pos[0]: pos[0] + n]
        if len(chunk) != n:
            raise FrameError("truncated frame")
        pos[0] += n
        return chunk

    value = read_frame(read_exact, max_bytes)
    if pos[0] != len(frame):
        raise FrameError("trailing bytes after frame")
    return value


def decode(header: bytes, body: bytes):
    try:
        tree = json.loads(header.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise FrameError(f"malformed frame header: {e}") from None
    count = [0]

    def dec(v, depth):
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS:
            raise FrameError("value is nested too deeply or has too many items")
        if v is None or type(v) in (bool, str, int, float):
            return v
        if type(v) is list:
            return [dec(x, depth + 1) for x in v]
        if type(v) is not dict:
            raise FrameError("unexpected JSON value")
        if len(v) == 1:
            (key, payload), = v.items()
            if key == "__nd__":
                return _array(payload, body)
            if key == "__tuple__" and type(payload) is list:
                return tuple(dec(x, depth + 1) for x in payload)
            if key == "__float__" and payload in ("nan", "inf", "-inf"):
                return float(payload)
            if key == "__bigint__" and type(payload) is str and len(payload) < 400:
                try:
                    return int(payload)
                except ValueError:
                    raise FrameError("bad big integer") from None
            if key == "__complex__" and type(payload) is list and len(payload) == 2:
                re, im = (dec(x, depth + 1) for x in payload)
                if type(re) is not float and type(re) is not int or type(im) not in (int, float):
                    raise FrameError("bad complex number")
                return complex(re, im)
            if key == "__handle__" and type(payload) is list and len(payload) == 2:
                if type(payload[0]) is not int or type(payload[1]) is not str:
                    raise FrameError("bad handle")
                return Handle(payload[0], payload[1])
        out = {}
        for k, x in v.items():
            if k.startswith("__") and k.endswith("__"):
                raise FrameError(f"unknown marker {k[:40]!r}")
            if k.startswith("\\__"):
                k = k[1:]
            out[k] = dec(x, depth + 1)
        return out

    return dec(tree, 0)


def _reject_constant(name):
    raise FrameError(f"bare {name} in frame header")


def _array(payload, body: bytes) -> np.ndarray:
    if type(payload) is not list or len(payload) != 4:
        raise FrameError("bad array reference")
    dt, shape, off, n = payload
    if type(dt) is not str or dt not in ALLOWED_DTYPES:
        raise FrameError(f"array dtype {str(dt)[:40]!r} is not allowed")
    if type(shape) is not list or len(shape) > 32 or any(type(s) is not int or s < 0 for s in shape):
        raise FrameError("bad array shape")
    if type(off) is not int or type(n) is not int or off < 0 or n < 0 or off + n > len(body):
        raise FrameError("array buffer out of range")
    dtype = np.dtype(dt)
    size = 1
    for s in shape:
        size *= s
    if size * dtype.itemsize != n:
        raise FrameError("array shape does not match its bytes")
    # A writable, C-contiguous base-class ndarray owned by the parent. A bytearray body
    # (what the worker client reads into) is private to this frame, so it is viewed, not
    # copied: an 80 MB reply then costs 80 MB, not 160.
    arr = np.frombuffer(body, dtype=dtype, count=size, offset=off).reshape(shape)
    return arr if isinstance(body, bytearray) else arr.copy()
