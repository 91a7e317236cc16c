"""What the notebook path costs.

1. Running a notebook's cells in the grader's worker (a generated module, graders/core/notebook.py)
   against a Jupyter kernel driven by nbclient, on the same notebooks.
2. Grading CSCI 5527 HW3 P2-P3 submitted as notebooks against the same code as .py files.

    python benchmarks/bench_notebook.py [--repeat N] [--ipykernel-site DIR]

nbclient needs ipykernel, which requirements.txt does not install; point --ipykernel-site at a
``pip install --target DIR ipykernel`` to measure it, otherwise that part is reported as skipped.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graders.core import notebook, runner  # noqa: E402
from graders.core.submission import prepare  # noqa: E402
from graders.core.worker import Target, Worker  # noqa: E402

NOTEBOOKS = {
    "HandDesignFilters (reference)": ROOT / "reference/eecs182_fa23_hw3/HandDesignFilters.ipynb",
    "EdgeDetection (reference)": ROOT / "reference/eecs182_fa23_hw3/EdgeDetection.ipynb",
}


def _worker_kwargs():
    """The worker limits the EECS 182 homework grades under (torch needs its address space)."""
    import graders

    try:
        from graders.core.runner import _limits

        return {"limits": _limits(graders.load("eecs182_fa23_hw3").settings)}
    except ImportError:
        return {}


def time_worker(path: Path, mode: str) -> float:
    """Seconds from a cold worker to the notebook's cells all run. Cell errors would make
    the figure meaningless, so they stop the benchmark."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        sub = prepare([path], Path(tmp) / "sub", notebook_mode=mode, cell_budget=120, notebook_budget=300)
        (mod,) = sub.notebooks
        with Worker(sub.root, Path(tmp) / "out.txt", call_timeout=300, **_worker_kwargs()) as w:
            report = w.getattr(Target(module=mod, attr="__nb_report__"), timeout=330)
        took = time.perf_counter() - t0
        errors = [r for r in report if r.get("status") in ("error", "timeout")]
        if errors:
            raise SystemExit(f"{path.name} ({mode}): {notebook.describe(errors, path.name)}")
        return took


def time_nbclient(path: Path) -> float:
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - t0


def median(fn, repeat):
    return statistics.median(fn() for _ in range(repeat))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ipykernel-site", default=None)
    args = ap.parse_args()

    have_kernel = False
    if args.ipykernel_site:
        sys.path.insert(0, args.ipykernel_site)
        os.environ["PYTHONPATH"] = args.ipykernel_site + os.pathsep + os.environ.get("PYTHONPATH", "")
    try:
        import ipykernel  # noqa: F401

        have_kernel = True
    except ImportError:
        pass

    print(f"cold start to all cells run, median of {args.repeat} (seconds)")
    print(f"{'notebook':<32}{'worker, definitions':>22}{'worker, all cells':>20}{'nbclient kernel':>18}")
    for name, path in NOTEBOOKS.items():
        defs = median(lambda: time_worker(path, "definitions"), args.repeat)
        full = median(lambda: time_worker(path, "all"), args.repeat)
        kern = f"{median(lambda: time_nbclient(path), args.repeat):.2f}" if have_kernel else "skipped"
        print(f"{name:<32}{defs:>22.2f}{full:>20.2f}{kern:>18}")
    if not have_kernel:
        print("nbclient: ipykernel is not installed (pass --ipykernel-site)")

    import graders

    hw = graders.load("csci5527_hw3")
    py_dir = ROOT / "reference/csci5527_hw3"
    nb_dir = ROOT / "tests/submissions/notebooks/csci5527_hw3_notebooks"
    py = [runner.grade(hw, [py_dir]) for _ in range(args.repeat)]
    nb = [runner.grade(hw, [nb_dir]) for _ in range(args.repeat)]
    tp = statistics.median(r.execution_time for r in py)
    tn = statistics.median(r.execution_time for r in nb)
    same = [(c.number, c.score) for c in py[0].checks] == [(c.number, c.score) for c in nb[0].checks]
    print(f"\nCSCI 5527 HW3 P2-P3, median of {args.repeat}: .py {tp:.2f} s, notebooks {tn:.2f} s, "
          f"extra {tn - tp:+.2f} s; same scores: {same} ({nb[0].score:g}/{nb[0].max_score:g})")


if __name__ == "__main__":
    main()
