"""The parent's side of the worker boundary.

One ``Worker`` per submission: a child process (``_child.py``) that imports the student's
files and answers calls. A call that hangs is killed with the child's whole process group and
the next call starts a fresh child, so only the check that hung loses points.
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import codec
from .codec import FrameError, Handle
from .errors import (MissingName, NotImplementedByStudent, StudentError, StudentImportError,
                     StudentTimeout, WorkerCrashed)

_CHILD = Path(__file__).with_name("_child.py")


@dataclass(frozen=True)
class Target:
    """What to call in the worker: ``attr`` of the module at ``module`` (a path relative to
    the submission root), or a method of a worker-side object."""

    module: str | None = None
    attr: str | None = None
    handle: Handle | None = None

    def wire(self):
        if self.handle is not None:
            return {"handle": self.handle.id, "attr": self.attr}
        return {"module": self.module, "attr": self.attr}

    def label(self):
        if self.handle is not None:
            return f"{self.handle.type_name}.{self.attr}" if self.attr else self.handle.type_name
        return self.attr or self.module


class Worker:
    def __init__(self, root: Path, output_path: Path, *, call_timeout: float = 10.0,
                 max_frame: int = codec.MAX_FRAME_BYTES, env: dict | None = None):
        self.root = Path(root)
        self.output_path = Path(output_path)
        self.call_timeout = call_timeout
        self.max_frame = max_frame
        self.extra_env = dict(env or {})
        self.proc: subprocess.Popen | None = None
        self.generation = 0
        self.starts = 0
        self.calls = 0
        self._live_handles: set[int] = set()
        self.events: list[str] = []  # worker deaths and restarts, for instructors

    # -- process lifecycle -------------------------------------------------------------
    def _start(self):
        p2c_r, p2c_w = os.pipe()
        c2p_r, c2p_w = os.pipe()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.root),
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
        }
        for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(self.extra_env)
        out = open(self.output_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-X", "utf8", str(_CHILD), str(p2c_r), str(c2p_w), str(self.root)],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                pass_fds=(p2c_r, c2p_w), cwd=self.root, env=env, start_new_session=True,
            )
        finally:
            out.close()
            os.close(p2c_r)
            os.close(c2p_w)
        self._w, self._r = p2c_w, c2p_r
        self.generation += 1
        self.starts += 1
        self._live_handles.clear()

    def _kill(self, why: str):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.events.append(why)
        self.proc = None

    def close(self):
        if self.proc is not None:
            try:
                os.close(self._w)  # EOF: the child's loop ends
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._kill("closed")
            self.events.pop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- I/O with deadlines ----------------------------------------------------------
    def _write_all(self, data: bytes, deadline: float):
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            _, w, _ = select.select([], [self._w], [], left)
            if w:
                n = os.write(self._w, view[: 1 << 20])
                view = view[n:]

    def _read_exact(self, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            r, _, _ = select.select([self._r], [], [], left)
            if r:
                c = os.read(self._r, min(n - got, 1 << 20))
                if not c:
                    raise EOFError
                chunks.append(c)
                got += len(c)
        return b"".join(chunks)

    # -- calls ---------------------------------------------------------------------------
    def request(self, req: dict, *, timeout: float | None = None, label: str = "call", inputs=None):
        """Send one request; return the decoded response or raise the matching abort."""
        if self.proc is None:
            self._start()
        timeout = self.call_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        self.calls += 1
        try:
            frame = codec.encode(req)
            self._write_all(frame, deadline)
            resp = codec.read_frame(lambda n: self._read_exact(n, deadline), self.max_frame)
        except TimeoutError:
            self._kill(f"timeout in {label}")
            raise StudentTimeout(f"{label} did not finish within {timeout:g} s", inputs=inputs,
                                 call=label) from None
        except (EOFError, BrokenPipeError, ConnectionError):
            code = self.proc.poll() if self.proc else None
            if code is None and self.proc is not None:
                try:
                    code = self.proc.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    code = None
            self._kill(f"worker died in {label} (exit {code})")
            raise WorkerCrashed(f"the process running your code died during {label} "
                                f"({_describe_exit(code)})", inputs=inputs, call=label) from None
        except FrameError as e:
            self._kill(f"bad frame in {label}: {e}")
            raise WorkerCrashed(f"{label} sent back something the grader cannot accept: {e}",
                                inputs=inputs, call=label) from None
        if type(resp) is not dict or "ok" not in resp:
            self._kill(f"malformed response in {label}")
            raise WorkerCrashed(f"{label} sent back a malformed response", inputs=inputs, call=label)
        return resp

    def call(self, target: Target, args=(), kwargs=None, *, timeout: float | None = None, inputs=None):
        label = target.label()
        if target.handle is not None and target.handle.id not in self._live_handles:
            raise WorkerCrashed(f"{target.handle!r} was lost when your code's process restarted",
                                call=label)
        for a in list(args) + list((kwargs or {}).values()):
            if isinstance(a, Handle) and a.id not in self._live_handles:
                raise WorkerCrashed(f"{a!r} was lost when your code's process restarted", call=label)
        req = {"op": "call", "target": target.wire(), "args": list(args), "kwargs": dict(kwargs or {})}
        resp = self.request(req, timeout=timeout, label=label, inputs=inputs)
        return self._unwrap(resp, label, inputs)

    def getattr(self, target: Target, *, timeout: float | None = None):
        label = target.label()
        resp = self.request({"op": "getattr", "target": target.wire()}, timeout=timeout, label=label)
        return self._unwrap(resp, label, None)

    def _unwrap(self, resp, label, inputs):
        if resp["ok"]:
            value = resp.get("value")
            self._note_handles(value)
            return value
        kind = resp.get("kind")
        msg = str(resp.get("message", ""))[:2000]
        tb = str(resp.get("traceback", ""))[:8000]
        if kind == "missing":
            raise MissingName(f"{label} is not defined", call=label)
        if kind == "not_implemented":
            raise NotImplementedByStudent(f"{label} is not implemented yet (it raises NotImplementedError)",
                                          traceback=tb, call=label, inputs=inputs)
        if kind == "import_error":
            raise StudentImportError("your file could not be imported", traceback=tb, call=label)
        if kind == "exception":
            raise StudentError(label, str(resp.get("type", "Exception"))[:200], msg, tb, inputs)
        if kind == "unencodable":
            raise StudentError(label, "ReturnValueError",
                               f"returned a value the grader cannot read: {msg}", "", inputs)
        raise WorkerCrashed(f"{label}: protocol error ({kind})", call=label)

    def _note_handles(self, value):
        if isinstance(value, Handle):
            self._live_handles.add(value.id)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self._note_handles(v)
        elif isinstance(value, dict):
            for v in value.values():
                self._note_handles(v)


def _describe_exit(code) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
