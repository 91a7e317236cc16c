"""The layers that stand between student code and the grading machine.

The worker is started through a chain of layers; each one that the machine allows is used,
and the list of active layers is recorded for instructors (SECURITY.md explains the threat
model and what each layer stops):

1. ``rlimits``: address space, CPU seconds, processes, file size and open files, set in the
   child before it runs any Python, so student code can lower them but never raise them.
2. ``session``: the worker gets its own session and process group, which the parent kills.
3. ``uid``: as root (Gradescope), the worker runs under an unprivileged uid of its own,
   taken from a private range and held with a lock for the worker's lifetime, so that
   "kill everything this uid owns" and "remove every file this uid left in /tmp" touch only
   this worker. Where no mount namespace hides the grader's files, their permissions are
   closed to other users instead (``protect``).
4. ``bwrap``: bubblewrap puts the worker in new user, PID, network, IPC and mount
   namespaces: no network, no view of the grader's processes, the grader's directories and
   /tmp replaced by empty tmpfs mounts, everything else read-only, and the whole namespace
   dies with the grader. ``unshare`` (network and PID namespaces only) is the fallback where
   bubblewrap is missing; inside a default Docker container neither works and the chain
   stops at ``uid``.

``GRADER_ISOLATION`` (``auto``, ``bwrap``, ``unshare``, ``none``) forces the namespace layer;
``auto`` takes the first that works here.
"""
from __future__ import annotations

import errno
import fcntl
import functools
import os
import pwd
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ISOLATION_ENV = "GRADER_ISOLATION"
MODES = ("auto", "bwrap", "unshare", "none")

#: uids handed to workers when the grader runs as root. Below systemd's dynamic-user range
#: (61184-65519) and above the usual human accounts.
UID_BASE, UID_COUNT = 47000, 1000
_LOCK_DIR = Path(tempfile.gettempdir()) / ".grader-sandbox-uids"

#: Files the worker runs from; copied out of the grader's tree so it can stay hidden.
RUNTIME_FILES = ("_child.py", "codec.py")

#: World-writable places where a worker could leave files behind.
SHARED_TMP = ("/tmp", "/var/tmp", "/dev/shm")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker. Every one is enforced from outside student code: by
    the kernel (rlimits, fixed before the worker starts) or by the parent (wall clock, CPU
    polling, output capture)."""

    memory_mb: int = 4096         # RLIMIT_AS; `import torch` needs 768 (CPU build) to 3584 (CUDA build)
    cpu_per_call: float | None = None  # CPU seconds of the worker's process tree per call
    cpu_total: float = 1800.0     # RLIMIT_CPU of each worker process (hard)
    processes: int = 64           # RLIMIT_NPROC: processes + threads of the sandbox uid
    file_size_mb: int = 256       # RLIMIT_FSIZE: largest file the worker may write
    open_files: int = 256         # RLIMIT_NOFILE
    output_keep: int = 32 * 1024  # bytes of printed output kept from each end

    def rlimits(self) -> list[tuple[int, int]]:
        mb = 1024 * 1024
        cpu = max(1, int(self.cpu_total))
        return [
            (resource.RLIMIT_AS, self.memory_mb * mb),
            (resource.RLIMIT_CPU, cpu),
            (resource.RLIMIT_NPROC, self.processes),
            (resource.RLIMIT_FSIZE, self.file_size_mb * mb),
            (resource.RLIMIT_NOFILE, self.open_files),
            (resource.RLIMIT_CORE, 0),
        ]


def is_root() -> bool:
    return os.geteuid() == 0


# -- the sandbox uid ------------------------------------------------------------------------
class SandboxUser:
    """An unused uid from the private range, locked for as long as this object lives."""

    def __init__(self):
        _LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
        os.chmod(_LOCK_DIR, 0o700)
        start = os.getpid() % UID_COUNT
        for i in range(UID_COUNT):
            uid = UID_BASE + (start + i) % UID_COUNT
            if _uid_taken(uid):
                continue
            fd = os.open(_LOCK_DIR / str(uid), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            # A lock left by a crashed grader: its processes may still be running.
            kill_uid(uid)
            self.uid = uid
            self._fd = fd
            return
        raise RuntimeError("no free sandbox uid")

    def release(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _uid_taken(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return False


def drop_privileges(uid: int):
    """In the child, before exec: no supplementary groups, then gid and uid."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def pids_of_uid(uid: int) -> list[int]:
    """Live processes of ``uid`` (zombies run nothing and wait only for their parent)."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid != uid:
                    continue
                with open(f"/proc/{name}/stat", "rb") as f:
                    data = f.read()
                if data[data.rindex(b")") + 2:][:1] not in (b"Z", b"X"):
                    out.append(int(name))
            except (OSError, ValueError):
                pass
    return out


def kill_uid(uid: int, *, rounds: int = 50) -> int:
    """SIGKILL every process the uid owns; return how many were found on the first look.

    A helper forked with that uid calls ``kill(-1, SIGKILL)``, which reaches every process
    of the uid at once, so a fork bomb cannot outrun it.
    """
    first = None
    for _ in range(rounds):
        pids = pids_of_uid(uid)
        if first is None:
            first = len(pids)
        if not pids:
            break
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the helper
            try:
                drop_privileges(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.01)
    return first or 0


def remove_files_of_uid(uid: int, places=SHARED_TMP) -> list[str]:
    """Delete what the uid left at the top of the shared temporary folders."""
    removed = []
    for place in places:
        try:
            entries = list(os.scandir(place))
        except OSError:
            continue
        for e in entries:
            try:
                if e.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if e.is_dir(follow_symlinks=False):
                    shutil.rmtree(e.path, ignore_errors=True)
                else:
                    os.unlink(e.path)
                removed.append(e.path)
            except OSError:
                pass
    return removed


# -- process trees without a uid of their own ------------------------------------------------
def descendants(root_pid: int) -> list[int]:
    """Every live process below ``root_pid`` (a /proc scan; this kernel has no
    /proc/PID/task/TID/children)."""
    parent = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    data = f.read()
                parent[int(name)] = int(data[data.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root_pid]
    while todo:
        for c in children.get(todo.pop(), ()):
            out.append(c)
            todo.append(c)
    return out


def cpu_seconds(pids) -> float:
    """utime + stime of the given processes (all their threads)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                data = f.read()
            fields = data[data.rindex(b")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return total / tick


def reap_orphans(uid: int | None, pids=()) -> int:
    """Collect the exit status of dead processes re-parented to the grader (see
    ``become_subreaper``): those of ``uid``, or the given pids. Init does not always reap
    them (in some containers it never does), so the grader does."""
    me = os.getpid()
    wanted = set(pids)
    n = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
            rest = data[data.rindex(b")") + 2:].split()
            if int(rest[1]) != me or rest[0] != b"Z":
                continue
            if pid not in wanted and (uid is None or os.stat(f"/proc/{name}").st_uid != uid):
                continue
            os.waitpid(pid, os.WNOHANG)
            n += 1
        except (OSError, ValueError, IndexError, ChildProcessError):
            pass
    return n


def become_subreaper():
    """Orphans of the worker re-parent to the grader instead of init, so a double-forked
    process is still found below the grader and can be killed, and its exit collected."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


# -- namespace layers ----------------------------------------------------------------------
def requested_mode() -> str:
    mode = os.environ.get(ISOLATION_ENV, "auto").strip().lower() or "auto"
    if mode not in MODES:
        raise ValueError(f"{ISOLATION_ENV}={mode!r}; expected one of {MODES}")
    return mode


def _probe(cmd, uid) -> bool:
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=20,
                           preexec_fn=(lambda: drop_privileges(uid)) if uid is not None else None)
        time.sleep(0.05)  # bwrap's namespace init outlives it briefly; collect it too
        if uid is not None:
            reap_orphans(uid)
        return r.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=None)
def _bwrap_works(as_other_uid: bool) -> bool:
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    return _probe([exe, *_BWRAP_BASE, "--", "/bin/true"], UID_BASE - 1 if as_other_uid else None)


@functools.lru_cache(maxsize=None)
def _unshare_works(as_other_uid: bool) -> bool:
    exe = shutil.which("unshare")
    if exe is None:
        return False
    return _probe([exe, *_UNSHARE_ARGS, "/bin/true"], UID_BASE - 1 if as_other_uid else None)


_BWRAP_BASE = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all",
               "--die-with-parent", "--new-session"]
_UNSHARE_ARGS = ["--user", "--net", "--pid", "--fork", "--kill-child"]


def choose_namespace(mode: str, dropping: bool) -> str | None:
    """The namespace layer to use: 'bwrap', 'unshare' or None."""
    become_subreaper()
    if mode == "none":
        return None
    order = ("bwrap", "unshare") if mode == "auto" else (mode,)
    for name in order:
        works = _bwrap_works(dropping) if name == "bwrap" else _unshare_works(dropping)
        if works:
            return name
    return None


def bwrap_prefix(*, writable, readonly, hidden, cwd) -> list[str]:
    args = [shutil.which("bwrap"), *_BWRAP_BASE]
    for tmp in SHARED_TMP:
        if os.path.isdir(tmp) and tmp != "/dev/shm":
            args += ["--tmpfs", tmp]
    for h in hidden:
        if os.path.isdir(h):
            args += ["--tmpfs", str(h)]
        elif os.path.exists(h):
            args += ["--ro-bind", "/dev/null", str(h)]
    for r in readonly:
        args += ["--ro-bind", str(r), str(r)]
    for w in writable:
        args += ["--bind", str(w), str(w)]
    args += ["--chdir", str(cwd), "--"]
    return args


def unshare_prefix() -> list[str]:
    return [shutil.which("unshare"), *_UNSHARE_ARGS]


# -- file permissions --------------------------------------------------------------------
def keep_paths() -> list[str]:
    """Paths the worker's Python needs: never hidden, even inside a hidden folder."""
    import numpy

    keep = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable)),
            os.path.dirname(os.path.dirname(numpy.__file__))}
    try:
        import site

        keep.update(site.getsitepackages())
    except AttributeError:
        pass
    return sorted(os.path.realpath(k) for k in keep if k)


def expand_hidden(hidden, keep) -> list[str]:
    """``hidden`` with every folder that contains a kept path replaced by its other children."""
    out = []
    keep = [os.path.realpath(k) for k in keep]
    for h in hidden:
        h = os.path.realpath(h)
        if not os.path.exists(h) or h == "/":
            continue
        inside = [k for k in keep if k == h or k.startswith(h + os.sep)]
        if not inside:
            out.append(h)
        elif h not in inside and os.path.isdir(h):
            children = [os.path.join(h, c) for c in sorted(os.listdir(h))]
            out += expand_hidden(children, keep)
    return out


def protect(paths):
    """Close the paths to group and others (the fallback when no mount namespace hides them).
    They are the grader's own files: the grading process, root, still reads them."""
    done = []
    for p in paths:
        try:
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                continue
            if st.st_mode & 0o077:
                os.chmod(p, stat.S_IMODE(st.st_mode) & 0o700)
            done.append(p)
        except OSError:
            pass
    return done


def open_path_to(path) -> list[str]:
    """Give others search (not read) permission on each ancestor of ``path`` that lacks it,
    so the sandbox uid can reach it; return the folders changed."""
    changed = []
    for anc in reversed(Path(os.path.realpath(path)).parents):
        st = os.stat(anc)
        if not st.st_mode & 0o001:
            os.chmod(anc, stat.S_IMODE(st.st_mode) | 0o001)
            changed.append(str(anc))
    return changed


def hand_over(tree, uid: int):
    """Give the worker's folder to the sandbox uid (it may write its own files there)."""
    for dirpath, dirnames, filenames in os.walk(tree):
        for n in [dirpath] + [os.path.join(dirpath, x) for x in dirnames + filenames]:
            try:
                os.chown(n, uid, uid, follow_symlinks=False)
            except OSError as e:
                if e.errno != errno.ENOENT:
                    raise


def make_runtime(dest: Path) -> Path:
    """Copy the files the worker runs from into ``dest`` (readable by all, writable by root)."""
    src = Path(__file__).parent
    dest.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_FILES:
        shutil.copyfile(src / name, dest / name)
        os.chmod(dest / name, 0o644)
    os.chmod(dest, 0o755)
    return dest


def default_hidden() -> list[str]:
    """What the worker must never read: the grader's tree (graders/, reference/, tests/, the
    answer keys) and Gradescope's /autograder (source, results, submission metadata)."""
    repo = Path(__file__).resolve().parents[2]
    out = [str(repo)]
    if os.path.isdir("/autograder"):
        out.append("/autograder")
    return out
