"""Cost of the worker's isolation: start-up and round trip, layer by layer.

    python benchmarks/bench_worker.py [--calls N] [--torch]

For each namespace layer (none, unshare, bwrap; the uid drop is always on as root) prints the
time to start a worker and answer its first call, the median round trip of a small call, and
the round trip of a 1 MiB array; with --torch, the start-up including `import torch` and the
peak memory of the worker and of this (the grading) process.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from graders.core import sandbox  # noqa: E402
from graders.core.worker import Target, Worker  # noqa: E402

CODE = """import numpy as np
def echo(x):
    return x
def load_torch():
    import torch
    return torch.__version__
def peak_kib():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""


def bench(mode: str, calls: int, with_torch: bool):
    with tempfile.TemporaryDirectory() as d:
        root = Path(d) / "sub"
        root.mkdir()
        (root / "m.py").write_text(CODE)
        t0 = time.perf_counter()
        w = Worker(root, Path(d) / "out.txt", call_timeout=120, isolation=mode, hide=[])
        setup = time.perf_counter() - t0
        try:
            t1 = time.perf_counter()
            w.call(Target("m.py", "echo"), [1])
            first = time.perf_counter() - t1
            small = []
            for _ in range(calls):
                t = time.perf_counter()
                w.call(Target("m.py", "echo"), [1.5])
                small.append(time.perf_counter() - t)
            big = np.random.default_rng(0).standard_normal(1 << 17)  # 1 MiB
            large = []
            for _ in range(max(3, calls // 10)):
                t = time.perf_counter()
                w.call(Target("m.py", "echo"), [big])
                large.append(time.perf_counter() - t)
            line = (f"{mode:<8} {w.namespace or '-':<8} setup {setup * 1e3:7.1f} ms  "
                    f"start+first call {first * 1e3:7.1f} ms  round trip {statistics.median(small) * 1e6:7.0f} us  "
                    f"1 MiB array {statistics.median(large) * 1e3:6.2f} ms")
            if with_torch:
                t = time.perf_counter()
                w.call(Target("m.py", "load_torch"))
                line += f"  import torch {time.perf_counter() - t:5.2f} s"
                line += f"  worker peak RSS {w.call(Target('m.py', 'peak_kib')) / 1024:6.0f} MiB"
            print(line, flush=True)
            print(f"         layers: {w.describe()}")
        finally:
            w.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--torch", action="store_true", help="also time `import torch` and peak memory")
    args = ap.parse_args()
    print(f"root: {sandbox.is_root()}  (the uid drop applies only as root)")
    for mode in ("none", "unshare", "bwrap"):
        bench(mode, args.calls, args.torch)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"grading process peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
