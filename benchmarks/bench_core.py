"""Print the harness's core costs, measured in one run on this machine.

  python benchmarks/bench_core.py [--repeat N]

- wall time to grade the CSCI 5527 HW3 reference through grade.py, beside the time of
  `python -c "import torch"` (the floor any torch-based grader pays);
- per-check durations of that grading;
- the worker's start-up time and the median round trip of one small call.
Ratios are only meaningful within one run: the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(cmd) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    from graders.core.worker import Target, Worker

    with tempfile.TemporaryDirectory() as tmp:
        torch_t = [timed([sys.executable, "-c", "import torch"]) for _ in range(args.repeat)]
        grade_t = [timed([sys.executable, str(ROOT / "grade.py"), "grade", "csci5527_hw3",
                          str(ROOT / "reference" / "csci5527_hw3"), "--out", tmp])
                   for _ in range(args.repeat)]
        print(f"python -c 'import torch':           median {statistics.median(torch_t):6.2f} s")
        print(f"grade.py grade csci5527_hw3 reference: median {statistics.median(grade_t):6.2f} s "
              f"({statistics.median(grade_t) / statistics.median(torch_t):.1f}x the torch import)")

        import graders
        from graders.core import runner

        r = runner.grade(graders.load("csci5527_hw3"), [ROOT / "reference" / "csci5527_hw3"])
        print("per-check seconds (in-process grading, torch already imported after 2.c):")
        for c in r.checks:
            print(f"  {c.number:<7} {c.duration:6.2f}  {c.name}")

        d = Path(tmp) / "w"
        d.mkdir()
        (d / "m.py").write_text("def f(x):\n    return x\n")
        starts, rts = [], []
        for _ in range(5):
            w = Worker(d, d / "out.txt")
            t = time.perf_counter()
            w.call(Target("m.py", "f"), [1])
            starts.append(time.perf_counter() - t)
            x = np.arange(16.0)
            for _ in range(200):
                t = time.perf_counter()
                w.call(Target("m.py", "f"), [x])
                rts.append(time.perf_counter() - t)
            w.close()
        print(f"worker start + first call:           median {statistics.median(starts) * 1e3:6.1f} ms")
        print(f"round trip, 16-float array:          median {statistics.median(rts) * 1e6:6.0f} us "
              f"(p90 {sorted(rts)[int(0.9 * len(rts))] * 1e6:.0f} us, n={len(rts)})")


if __name__ == "__main__":
    main()
