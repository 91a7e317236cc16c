"""Runs a notebook's cells inside the worker, one by one, in one namespace.

This file never runs in the grader. ``notebook.py`` embeds its source in the module it
generates from each notebook, so the worker needs nothing beyond what ``_child.py`` already
does (import a module by path). A cell that raises is reported and the next cell still runs;
a cell that runs past its budget is interrupted by SIGALRM (the parent still kills the whole
worker if the notebook as a whole overruns).
"""
import builtins
import importlib.abc
import importlib.machinery
import linecache
import signal
import sys
import time
import traceback
import types

# Display-only packages a notebook may import that the grading machine may lack. When the real
# package is missing, imports get a stand-in whose every call does nothing, so a plotting line
# does not take the definitions around it down with it.
STUB_PACKAGES = ("matplotlib", "seaborn", "plotly", "IPython", "ipywidgets", "google", "tqdm",
                 "wandb", "tensorboard")


class CellTimeout(BaseException):
    """Raised in a cell that ran past its budget. A BaseException so that ``except
    Exception`` in the cell does not swallow it; the timer also fires again every 0.2 s
    while the cell keeps running, so a bare ``except:`` in a loop cannot either."""


class _Dummy:
    """Stands in for any object of a stubbed package: calls, attributes and ``with`` all work
    and do nothing."""

    def __init__(self, name="stub"):
        self._name = name

    def __call__(self, *args, **kwargs):
        return _Dummy(self._name)

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        if attr == "subplots":
            return lambda *a, **k: (_Dummy(self._name), _Dummy(self._name))
        return _Dummy(f"{self._name}.{attr}")

    def __getitem__(self, key):
        return _Dummy(self._name)

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return f"<stand-in for {self._name}>"


def _passthrough(iterable=None, *args, **kwargs):
    return iterable if iterable is not None else _Dummy("tqdm")


class _StubModule(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        if self.__name__.split(".")[0] == "tqdm" and attr in ("tqdm", "trange"):
            return _passthrough if attr == "tqdm" else (lambda *a, **k: range(*a))
        return getattr(_Dummy(self.__name__), attr)


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on sys.meta_path: answers only for stubbed packages no real finder found."""

    def __init__(self, used):
        self.used = used

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] not in STUB_PACKAGES:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        mod = _StubModule(spec.name)
        mod.__path__ = []
        return mod

    def exec_module(self, module):
        self.used.add(module.__name__.split(".")[0])


class _IPythonShell:
    """What ``get_ipython()`` returns: magics and shell commands are skipped."""

    def __getattr__(self, attr):
        return lambda *a, **k: None


def _display(*objs, **kwargs):
    pass


def _no_input(prompt=""):
    raise EOFError("input() cannot be answered while grading; give the value in the code instead")


def _alarm(signum, frame):
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    raise CellTimeout()


def _cell_traceback(exc, filenames):
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename in filenames or not f.filename.startswith(("/", "<"))]
    text = "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc))
    return text[-3000:]


def run(ns, spec):
    """Run ``spec["cells"]`` in ``ns``; return one report entry per cell that needs a word."""
    report = list(spec.get("notes", []))
    used = set()
    # Stays installed: a graded function may import a plotting package in its body too.
    sys.meta_path.append(_StubFinder(used))
    ns.setdefault("display", _display)
    ns.setdefault("get_ipython", lambda: _IPythonShell())
    ns["input"] = _no_input
    filenames = {c["filename"] for c in spec["cells"]}
    for c in spec["cells"]:
        linecache.cache[c["filename"]] = (len(c["source"]), None, c["source"].splitlines(True), c["filename"])
    old_handler = signal.signal(signal.SIGALRM, _alarm)
    start = time.monotonic()
    try:
        for c in spec["cells"]:
            label = c["label"]
            left = spec["notebook_budget"] - (time.monotonic() - start)
            if left <= 0:
                report.append({"cell": label, "status": "skipped",
                               "message": f"not run: the notebook used up its {spec['notebook_budget']:g} s budget"})
                continue
            try:
                code = compile(c["source"], c["filename"], "exec")
            except (SyntaxError, ValueError) as e:
                report.append({"cell": label, "status": "error",
                               "message": f"SyntaxError: {getattr(e, 'msg', e)} (line {getattr(e, 'lineno', '?')})"})
                continue
            budget = min(spec["cell_budget"], left)
            t0 = time.monotonic()
            signal.setitimer(signal.ITIMER_REAL, budget)
            try:
                try:
                    exec(code, ns)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except CellTimeout:
                report.append({"cell": label, "status": "timeout",
                               "message": f"stopped after {budget:g} s (the per-cell budget); "
                                          f"what it defined before that is kept"})
            except BaseException as e:  # noqa: BLE001 - SystemExit, KeyboardInterrupt: still the cell's error
                report.append({"cell": label, "status": "error",
                               "message": f"{type(e).__name__}: {str(e)[:300]}",
                               "traceback": _cell_traceback(e, filenames)})
            c["seconds"] = round(time.monotonic() - t0, 3)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
    for pkg in sorted(used):
        report.append({"cell": None, "status": "note",
                       "message": f"{pkg} is not installed where grading runs; its calls were replaced "
                                  f"by stand-ins that do nothing (no plots or progress bars)"})
    report.append({"cell": None, "status": "done", "seconds": round(time.monotonic() - start, 3)})
    return report
