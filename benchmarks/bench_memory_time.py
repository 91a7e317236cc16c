"""Print, per homework, what grading its reference costs: the figures Gradescope's limits
(768 MB of memory, half a CPU by default) are compared against.

  python benchmarks/bench_memory_time.py [HW ...]

Each homework is graded in a fresh process exactly as run_autograder's grading child does
(runner.grade on reference/<hw>), so one homework's imports do not count against another.
Printed per homework:
- parent peak RSS: the grading process (checks, oracles, keys);
- worker peak RSS: the largest child process (the worker that runs the student's code);
- wall time, and CPU seconds of parent plus worker;
- the wall time projected for half a CPU (CPU seconds / 0.5; a floor, since waiting on I/O
  and the worker's start-up also count) against the homework's time_budget.
The machine is shared and noisy: compare figures within one run.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRADESCOPE_MB = 768

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
t0 = time.perf_counter()
import graders
from graders.core import runner
hw = graders.load(sys.argv[2])
r = runner.grade(hw, [sys.argv[3]])
wall = time.perf_counter() - t0
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "parent_mb": me.ru_maxrss / 1024, "worker_mb": kids.ru_maxrss / 1024, "wall": wall,
    "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
    "score": r.score, "max": r.max_score, "budget": hw.settings.time_budget,
    "torch_in_parent": "torch" in sys.modules,
}))
"""


def measure(hw_id: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), hw_id, str(ROOT / "reference" / hw_id)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{hw_id}: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    sys.path.insert(0, str(ROOT))
    import graders

    ids = sys.argv[1:] or [h for h in graders.homework_ids() if (ROOT / "reference" / h).is_dir()]
    print(f"{'homework':<18} {'parent MB':>9} {'worker MB':>9} {'sum MB':>7} {'wall s':>7} {'CPU s':>6} "
          f"{'@0.5CPU s':>9} {'budget s':>8}  score   torch in parent")
    for hw_id in ids:
        m = measure(hw_id)
        total = m["parent_mb"] + m["worker_mb"]
        flag = "  OVER 768 MB" if total > GRADESCOPE_MB else ""
        print(f"{hw_id:<18} {m['parent_mb']:9.0f} {m['worker_mb']:9.0f} {total:7.0f} {m['wall']:7.1f} "
              f"{m['cpu']:6.1f} {m['cpu'] / 0.5:9.1f} {m['budget']:8.0f}  {m['score']:g}/{m['max']:g}"
              f"  {m['torch_in_parent']}{flag}")
    print("MB = MiB of peak resident memory (ru_maxrss). Parent and worker peaks may not coincide, "
          "so their sum is an upper bound on the container's peak.")


if __name__ == "__main__":
    main()
