"""The parent's side of the worker boundary.

One ``Worker`` per submission: a child process (``_child.py``) that imports the student's
files and answers calls, started behind the layers of ``sandbox``. A call that hangs, or that
uses more CPU than allowed, is killed with everything the worker started (its process group,
every process of its uid or its PID namespace) and the next call starts a fresh child, so
only the check that hung loses points. Its printed output goes through a pipe that the
parent drains, keeping the head and the tail.
"""
from __future__ import annotations

import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import codec, sandbox
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


class Capture:
    """The worker's printed output, kept as head and tail with a count of what was cut, so a
    1 GB print costs a pipe's throughput and a few KiB of memory."""

    def __init__(self, keep: int):
        self.keep = keep
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self._lock = threading.Lock()

    def feed(self, chunk: bytes):
        with self._lock:
            self.total += len(chunk)
            room = self.keep - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self.tail += chunk[-self.keep:]
                if len(self.tail) > self.keep:
                    del self.tail[:-self.keep]

    def drain(self, fd: int):
        try:
            while True:
                try:
                    chunk = os.read(fd, 1 << 20)
                except InterruptedError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                self.feed(chunk)
        finally:
            os.close(fd)

    def text(self) -> str:
        with self._lock:
            head = self.head.decode("utf-8", "replace")
            if not self.tail:
                return head
            cut = self.total - len(self.head) - len(self.tail)
            tail = self.tail.decode("utf-8", "replace")
        if cut <= 0:
            return head + tail
        return f"{head}\n... [{cut} bytes of output cut] ...\n{tail}"


class Worker:
    """Runs student code behind the layers of ``sandbox`` (limits, own session, unprivileged
    uid as root, namespaces where the machine allows them). ``isolation`` forces the
    namespace layer ('auto', 'bwrap', 'unshare', 'none'; default: ``GRADER_ISOLATION`` or
    'auto'); ``hide`` lists paths the worker must not read (default: the grader's tree and
    /autograder)."""

    def __init__(self, root: Path, output_path: Path, *, call_timeout: float = 10.0,
                 max_frame: int = codec.MAX_FRAME_BYTES, env: dict | None = None,
                 limits: sandbox.Limits | None = None, isolation: str | None = None,
                 hide=None):
        self.root = Path(root).resolve()
        self.output_path = Path(output_path)
        self.call_timeout = call_timeout
        self.max_frame = max_frame
        self.extra_env = dict(env or {})
        self.limits = limits or sandbox.Limits()
        self.proc: subprocess.Popen | None = None
        self.generation = 0
        self.starts = 0
        self.calls = 0
        self._live_handles: set[int] = set()
        self.events: list[str] = []  # worker deaths and restarts, for instructors
        self.capture = Capture(self.limits.output_keep)
        self._drainers: list[threading.Thread] = []
        self._token = secrets.token_hex(8)
        self._cpu_base = None
        self._user = None
        self._runtime = None
        self._setup(sandbox.requested_mode() if isolation is None else isolation,
                    sandbox.default_hidden() if hide is None else list(hide))

    # -- isolation -------------------------------------------------------------------------
    def _setup(self, mode: str, hide):
        if mode not in sandbox.MODES:
            raise ValueError(f"isolation {mode!r}; expected one of {sandbox.MODES}")
        self._runtime = Path(tempfile.mkdtemp(prefix="grader-rt-"))
        sandbox.make_runtime(self._runtime)
        self.layers = ["rlimits", "session"]
        notes = []
        root = sandbox.is_root()
        keep = sandbox.keep_paths() + [str(self.root), str(self._runtime)]
        self.hidden = sandbox.expand_hidden(hide, keep)
        if root:
            self._user = sandbox.SandboxUser()
            self.layers.append(f"uid {self._user.uid}")
            opened = sorted({d for p in keep for d in sandbox.open_path_to(p)})
            if opened:
                self.events.append("gave others search permission on " + ", ".join(opened)
                                   + " so the sandbox uid can reach Python and the submission")
            sandbox.hand_over(self.root, self._user.uid)
        else:
            notes.append("not root: no privilege drop (the worker runs as the grading user)")
        sandbox.become_subreaper()
        self.namespace = sandbox.choose_namespace(mode, root)
        if self.namespace == "bwrap":
            self.layers.append("bwrap (user, pid, net, ipc, mount namespaces; grader files hidden)")
        elif self.namespace == "unshare":
            self.layers.append("unshare (pid and net namespaces)")
        elif mode not in ("auto", "none"):
            notes.append(f"{mode} was asked for but does not work here")
        else:
            notes.append("no namespaces (bubblewrap and unshare unavailable or turned off)")
        if self.namespace != "bwrap" and root:
            sandbox.protect(self.hidden)
            self.layers.append("grader files closed to other users (chmod)")
        elif self.namespace != "bwrap":
            notes.append("grader files readable by the worker (no uid drop, no mount namespace)")
        self.isolation_notes = notes

    def describe(self) -> str:
        """One line for the instructors' diagnostics: which layers were active."""
        text = "Isolation: " + ", ".join(self.layers)
        if self.isolation_notes:
            text += ". Missing: " + "; ".join(self.isolation_notes)
        return text + "."

    # -- process lifecycle -------------------------------------------------------------
    def _start(self):
        p2c_r, p2c_w = os.pipe()
        c2p_r, c2p_w = os.pipe()
        out_r, out_w = os.pipe()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.root),
            "TMPDIR": str(self.root),
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "GRADER_WORKER": self._token,
        }
        for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(self.extra_env)
        cmd = [sys.executable, "-I", "-X", "utf8", str(self._runtime / "_child.py"),
               str(p2c_r), str(c2p_w), str(self.root)]
        if self.namespace == "bwrap":
            cmd = sandbox.bwrap_prefix(writable=[self.root], readonly=[self._runtime],
                                       hidden=self.hidden, cwd=self.root) + cmd
        elif self.namespace == "unshare":
            cmd = sandbox.unshare_prefix() + cmd
        rlimits = self.limits.rlimits()
        uid = self._user.uid if self._user else None
        if uid is None:
            # RLIMIT_NPROC counts every process of the real uid: leave the grading user's own
            # processes room, and cap only what the worker adds.
            mine = len(sandbox.pids_of_uid(os.getuid()))
            rlimits = [(k, mine + v if k == resource.RLIMIT_NPROC else v) for k, v in rlimits]

        def before_exec():
            for which, value in rlimits:
                try:
                    resource.setrlimit(which, (value, value))
                except (ValueError, OSError):
                    pass
            if uid is not None:
                sandbox.drop_privileges(uid)

        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=out_w, stderr=subprocess.STDOUT,
                pass_fds=(p2c_r, c2p_w), cwd=self.root, env=env, start_new_session=True,
                preexec_fn=before_exec,
            )
        except BaseException:
            for fd in (p2c_w, c2p_r, out_r):
                os.close(fd)
            raise
        finally:
            for fd in (p2c_r, c2p_w, out_w):
                os.close(fd)
        t = threading.Thread(target=self.capture.drain, args=(out_r,), daemon=True)
        t.start()
        self._drainers.append(t)
        self._w, self._r = p2c_w, c2p_r
        self.generation += 1
        self.starts += 1
        self._live_handles.clear()

    def _tree(self) -> list[int]:
        if self.proc is None:
            return []
        if self._user is not None:
            return sandbox.pids_of_uid(self._user.uid)
        return [self.proc.pid] + sandbox.descendants(self.proc.pid)

    def _kill(self, why: str):
        if self.proc is None:
            return
        stray = [] if self._user else self._tree()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._user is not None:
            sandbox.kill_uid(self._user.uid)
        else:
            self._kill_strays(stray)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self._user is not None:
            sandbox.reap_orphans(self._user.uid)
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.events.append(why)
        self.proc = None

    def _kill_strays(self, known):
        """Without a uid of its own the worker's processes are found by ancestry and by the
        token in their environment (a daemon that re-parented itself keeps it)."""
        for _ in range(20):
            pids = set(known) | set(sandbox.descendants(self.proc.pid)) | self._token_pids()
            pids.discard(os.getpid())
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            for pid in pids:  # orphans re-parented to us (subreaper): reap them
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
            known = []
            time.sleep(0.01)

    def _token_pids(self) -> set[int]:
        needle = f"GRADER_WORKER={self._token}".encode()
        out = set()
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) != os.getpid():
                try:
                    with open(f"/proc/{name}/environ", "rb") as f:
                        if needle in f.read():
                            out.add(int(name))
                except OSError:
                    pass
        return out

    def close(self):
        if self.proc is not None:
            try:
                os.close(self._w)  # EOF: the child's loop ends
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._kill("closed")
            self.events.pop()
        if self._user is not None:
            # Whatever the uid started or wrote outside its folder goes with it.
            sandbox.kill_uid(self._user.uid)
            sandbox.reap_orphans(self._user.uid)
            left = sandbox.remove_files_of_uid(self._user.uid)
            if left:
                self.events.append(f"removed files the worker left behind: {', '.join(left[:10])}")
            self._user.release()
            self._user = None
        for t in self._drainers:
            t.join(timeout=2)
        self._drainers.clear()
        if self._runtime is not None:
            shutil.rmtree(self._runtime, ignore_errors=True)
            self._runtime = None
        try:
            self.output_path.write_text(self.capture.text(), encoding="utf-8")
        except OSError:
            pass

    def output_text(self) -> str:
        """What the student's code printed, head and tail, with how much was cut."""
        return self.capture.text()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- I/O with deadlines ----------------------------------------------------------
    def _wait(self, fd, deadline: float, writing: bool):
        """Block until ``fd`` is ready; raise TimeoutError past the deadline or the call's CPU
        allowance (the process tree's CPU is polled every 0.25 s once a call runs that long)."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("wall")
            step = min(left, 0.25) if self.limits.cpu_per_call else left
            r, w, _ = select.select([] if writing else [fd], [fd] if writing else [], [], step)
            if r or w:
                return
            if self.limits.cpu_per_call:
                used = sandbox.cpu_seconds(self._tree())
                if self._cpu_base is None:
                    self._cpu_base = used
                elif used - self._cpu_base > self.limits.cpu_per_call:
                    raise TimeoutError("cpu")

    def _write_all(self, parts, deadline: float):
        for part in parts:
            view = memoryview(part)
            while view:
                self._wait(self._w, deadline, True)
                n = os.write(self._w, view[: 1 << 20])
                view = view[n:]

    def _read_exact(self, n: int, deadline: float) -> bytearray:
        # One preallocated buffer: a large array reply is held once, not as chunks plus a join.
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            self._wait(self._r, deadline, False)
            k = os.readv(self._r, [view[got: got + (1 << 20)]])
            if not k:
                raise EOFError
            got += k
        return buf

    # -- calls ---------------------------------------------------------------------------
    def request(self, req: dict, *, timeout: float | None = None, label: str = "call", inputs=None):
        """Send one request; return the decoded response or raise the matching abort."""
        if self.proc is None:
            self._start()
        timeout = self.call_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        self.calls += 1
        self._cpu_base = None
        seq = secrets.randbits(62)
        try:
            frame = codec.encode_parts({**req, "seq": seq})
            self._write_all(frame, deadline)
            resp = self._read_reply(seq, deadline)
        except TimeoutError as e:
            self._kill(f"timeout in {label}")
            if e.args == ("cpu",):
                raise StudentTimeout(f"{label} used more than {self.limits.cpu_per_call:g} s of CPU time",
                                     inputs=inputs, call=label) from None
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
        if "ok" not in resp:
            self._kill(f"malformed response in {label}")
            raise WorkerCrashed(f"{label} sent back a malformed response", inputs=inputs, call=label)
        return resp

    def _read_reply(self, seq: int, deadline: float):
        """The reply to the request numbered ``seq``. Each request carries a fresh random number
        that the worker echoes; frames written ahead by student code (a forged reply, or the
        late real one behind it) cannot know it and are dropped until the deadline, so they
        never answer another check's call."""
        while True:
            resp = codec.read_frame(lambda n: self._read_exact(n, deadline), self.max_frame)
            if type(resp) is dict and resp.get("seq") == seq and type(resp.get("seq")) is int:
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
