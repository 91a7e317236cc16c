"""The worker process: loads student files and answers calls from the grader.

Run as ``python -I _child.py IN_FD OUT_FD ROOT``. It imports nothing from the grader but
the codec, so student code never shares a process with answer keys or comparisons.
Everything it sends back is re-validated by the parent.
"""
import importlib.util
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import codec  # noqa: E402

del sys.path[0]

IN_FD, OUT_FD, ROOT = int(sys.argv[1]), int(sys.argv[2]), os.path.realpath(sys.argv[3])
_in = os.fdopen(IN_FD, "rb", buffering=0)
_out = os.fdopen(OUT_FD, "wb", buffering=0)
_modules = {}
_handles = {}
_next_handle = [1]


def read_exact(n):
    # Into one private buffer, which the codec then views rather than copies.
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = _in.readinto(view[got:])
        if not k:
            raise EOFError
        got += k
    return buf


def send(obj):
    # Encode fully before writing, so a value that cannot be encoded sends nothing.
    for part in codec.encode_parts(obj, on_unencodable=_unencodable):
        view = memoryview(part).cast("B")
        while view:  # a signal (a notebook cell's alarm) can cut a write short
            view = view[_out.write(view):]


def _unencodable(obj):
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(obj, torch.Tensor):
        return obj.detach().cpu().resolve_conj().resolve_neg().numpy()
    hid = _next_handle[0]
    _next_handle[0] += 1
    _handles[hid] = obj
    return codec.Handle(hid, type(obj).__name__)


def _resolve(v):
    if isinstance(v, codec.Handle):
        if v.id not in _handles:
            raise LookupError(f"unknown object #{v.id}")
        return _handles[v.id]
    if isinstance(v, list):
        return [_resolve(x) for x in v]
    if isinstance(v, tuple):
        return tuple(_resolve(x) for x in v)
    if isinstance(v, dict):
        return {k: _resolve(x) for k, x in v.items()}
    return v


def student_traceback(exc):
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.realpath(f.filename).startswith(ROOT + os.sep)]
    for f in frames:
        f.filename = os.path.relpath(os.path.realpath(f.filename), ROOT)
    lines = traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines)[-8000:]


class ImportFailed(Exception):
    pass


def load_module(relpath):
    if relpath in _modules:
        mod = _modules[relpath]
        if isinstance(mod, ImportFailed):
            raise mod
        return mod
    path = os.path.realpath(os.path.join(ROOT, relpath))
    if not path.startswith(ROOT + os.sep):
        raise ImportFailed("path outside the submission")
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    stem = os.path.splitext(os.path.basename(path))[0]
    name = stem if stem.isidentifier() and stem not in sys.modules else f"_student_{len(_modules)}"
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    except BaseException as e:  # noqa: BLE001 - SystemExit at import time too
        sys.modules.pop(name, None)
        err = ImportFailed(student_traceback(e))
        _modules[relpath] = err
        raise err from None
    _modules[relpath] = mod
    return mod


def seed():
    import random

    random.seed(0)
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed(0)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(0)


def target_of(t):
    if "handle" in t:
        obj = _resolve(codec.Handle(t["handle"], ""))
    else:
        obj = load_module(t["module"])
    attr = t.get("attr")
    if attr is None:
        return obj
    try:
        return getattr(obj, attr)
    except AttributeError:
        raise LookupError(attr) from None


def handle(req):
    op = req.get("op")
    if op == "ping":
        return {"ok": True, "value": "pong"}
    if op == "release":
        _handles.pop(req.get("handle"), None)
        return {"ok": True, "value": None}
    if op not in ("call", "getattr"):
        return {"ok": False, "kind": "protocol", "message": f"unknown op {op!r}"}
    try:
        fn = target_of(req["target"])
    except ImportFailed as e:
        return {"ok": False, "kind": "import_error", "message": "import failed", "traceback": str(e)}
    except LookupError as e:
        return {"ok": False, "kind": "missing", "message": str(e)}
    if op == "getattr":
        return {"ok": True, "value": fn}
    seed()
    start = time.perf_counter()
    try:
        value = fn(*_resolve(req.get("args", [])), **_resolve(req.get("kwargs", {})))
    except NotImplementedError as e:
        return {"ok": False, "kind": "not_implemented", "message": str(e)[:2000],
                "traceback": student_traceback(e)}
    except BaseException as e:  # noqa: BLE001 - sys.exit in student code is their error
        return {"ok": False, "kind": "exception", "type": type(e).__name__,
                "message": str(e)[:2000], "traceback": student_traceback(e)}
    return {"ok": True, "value": value, "elapsed": time.perf_counter() - start}


def main():
    os.chdir(ROOT)
    sys.setrecursionlimit(10_000)
    while True:
        try:
            req = codec.read_frame(read_exact)
        except EOFError:
            return
        resp = handle(req)
        seq = req.get("seq") if type(req) is dict else None
        try:
            send({**resp, "seq": seq})
        except codec.FrameError as e:
            send({"ok": False, "kind": "unencodable", "message": str(e), "seq": seq})


main()
