"""Inside the Gradescope container: grade ``/autograder/submission`` and write
``/autograder/results/results.json``.

``run_autograder`` starts ``python -m graders.core.gradescope``. That process is a small
supervisor that imports only the standard library. It writes the bundle's all-zero result
(every check listed) first, then grades in a child process under the homework's
``time_budget``. Whatever the child does (crash, hang, run out of memory), the supervisor
ends with a valid results.json, because a run that overruns Gradescope's own limit scores 0
with no tests shown. Instructor diagnostics go into the hidden "Grader diagnostics" test.

The container root is ``$AUTOGRADER_ROOT`` (default ``/autograder``) so that tests can lay out
a fake container in a temporary folder. Dates come from ``submission_metadata.json``'s
``created_at``, never from the wall clock, so regrading a submission gives the same result.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT_ENV = "AUTOGRADER_ROOT"
MANIFEST = "bundle.json"
PLACEHOLDER = "placeholder_results.json"
SCHEMA = Path(__file__).with_name("gradescope_schema.json")
STDERR_KEEP = 6000


def container_root(arg: str | None = None) -> Path:
    return Path(arg or os.environ.get(ROOT_ENV) or "/autograder")


# -- submission metadata ------------------------------------------------------------------
def read_metadata(root: Path) -> tuple[dict, list[str]]:
    """``submission_metadata.json`` as a dict, and what was wrong with it (for instructors)."""
    path = root / "submission_metadata.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, [f"{path} is missing"]
    except (OSError, ValueError) as e:
        return {}, [f"{path} could not be read: {e}"]
    if not isinstance(meta, dict):
        return {}, [f"{path} is not a JSON object"]
    return meta, []


def submission_record(meta: dict) -> dict:
    """What results.json records about the submission (its ``extra_data``)."""
    users = []
    for u in meta.get("users") or []:
        if isinstance(u, dict):
            users.append({k: u.get(k) for k in ("id", "name", "email") if k in u})
    return {"submission_id": meta.get("id"), "users": users, "created_at": meta.get("created_at")}


def submission_label(meta: dict) -> str:
    rec = submission_record(meta)
    names = ", ".join(str(u.get("name") or u.get("email") or u.get("id")) for u in rec["users"])
    parts = [f"Gradescope submission {rec['submission_id']}" if rec["submission_id"] is not None
             else "Gradescope submission"]
    if names:
        parts.append(f"by {names}")
    if rec["created_at"]:
        parts.append(f"submitted {rec['created_at']}")
    return " ".join(parts)


def lateness_note(meta: dict) -> str | None:
    """How late the submission was, from ``created_at`` against the assignment's due dates."""
    created = _when(meta.get("created_at"))
    assignment = meta.get("assignment") if isinstance(meta.get("assignment"), dict) else {}
    due = _when(assignment.get("due_date"))
    if created is None or due is None or created <= due:
        return None
    note = f"Submitted {_duration((created - due).total_seconds())} after the due date"
    late_due = _when(assignment.get("late_due_date"))
    if late_due is not None and created > late_due:
        note += f" and {_duration((created - late_due).total_seconds())} after the late due date"
    return note + " (from the submission time Gradescope recorded)."


def _when(text):
    if not isinstance(text, str):
        return None
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{max(minutes, 1)} min" if seconds >= 60 else f"{int(seconds)} s"


# -- writing results ----------------------------------------------------------------------
def _write(path: Path, doc: dict):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    os.replace(tmp, path)


def fallback(placeholder: dict, reason: str, diagnostics: list[str], meta: dict) -> dict:
    """The bundle's all-zero result, saying why grading did not finish."""
    doc = json.loads(json.dumps(placeholder))
    doc["output"] = reason
    for t in doc.get("tests", []):
        if "harness" in t.get("tags", []):
            t["output"] = "\n\n".join(diagnostics) or "No harness problems."
        elif t.get("max_score", 0) > 0:
            t["output"] = reason
    doc["extra_data"] = {**doc.get("extra_data", {}), **submission_record(meta), "complete": False}
    return doc


# -- the supervisor -----------------------------------------------------------------------
def supervise(root: Path) -> int:
    source = root / "source"
    results = root / "results" / "results.json"
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    placeholder = json.loads((source / PLACEHOLDER).read_text(encoding="utf-8"))
    meta, problems = read_metadata(root)
    diagnostics = [f"Bundle: {manifest['homework']} built from {manifest.get('built_from', '?')}."]
    diagnostics += problems
    _write(results, fallback(placeholder, "Grading did not finish.", diagnostics, meta))

    budget = float(manifest["time_budget"])
    log = root / "results" / "grader-stderr.txt"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "graders.core.gradescope", "--inner", "--root", str(root)],
                                cwd=source, stdin=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            rc = proc.wait(timeout=budget)
            why = None if rc == 0 else f"the grading process exited with status {rc}"
        except subprocess.TimeoutExpired:
            _killpg(proc)
            rc, why = None, f"grading did not finish within this homework's time budget of {budget:g} s"
    if why is None:
        done = json.loads(results.read_text(encoding="utf-8"))
        if done.get("extra_data", {}).get("complete"):
            print(f"Graded: {done.get('score')} points; wrote {results}")
            return 0
        why = "the grading process exited without writing its results"
    diagnostics.append(f"Supervisor: {why}.")
    tail = _tail(log)
    if tail:
        diagnostics.append("Grading process stderr (tail):\n" + tail)
    try:
        partial = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        partial = None
    if partial and partial.get("extra_data", {}).get("partial") and not validate(partial):
        reason = ("The autograder could not finish grading this submission. The checks graded "
                  "before it stopped keep their scores; the others show 0. This is not a judgment "
                  f"of your work: your instructor can see why. ({why[0].upper() + why[1:]}.)")
        _write(results, salvage(partial, reason, diagnostics))
        print(f"Grading stopped: {why}; kept the partial result in {results}", file=sys.stderr)
        return 0
    reason = ("The autograder could not finish grading this submission, so every check shows 0. "
              "This is not a judgment of your work: your instructor can see why. "
              f"({why[0].upper() + why[1:]}.)")
    _write(results, fallback(placeholder, reason, diagnostics, meta))
    print(f"Grading failed: {why}; wrote an all-zero {results}", file=sys.stderr)
    return 0


def _killpg(proc: subprocess.Popen):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _tail(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-STDERR_KEEP:].decode("utf-8", "replace").strip()


# -- the grading child --------------------------------------------------------------------
def grade_in_container(root: Path) -> int:
    source = root / "source"
    sys.path.insert(0, str(source))
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    meta, problems = read_metadata(root)
    os.environ.setdefault("GRADER_DATA_DIR", str(source / "data"))

    import graders
    from graders.core import results as results_mod
    from graders.core import runner
    from graders.core.submission import SubmissionError

    hw = graders.load(manifest["homework"])
    t0 = time.perf_counter()
    def save_partial(partial):
        # If the supervisor has to stop this run, the checks already graded keep their scores.
        _write(root / "results" / "results.json",
               finish(partial.to_gradescope(), hw.settings, meta, complete=False, partial=True))

    try:
        result = runner.grade(hw, [root / "submission"], label=submission_label(meta),
                              on_partial=save_partial)
    except SubmissionError as e:
        result = results_mod.placeholder(hw, f"Your submission could not be read: {e}")
        result.execution_time = time.perf_counter() - t0
    late = lateness_note(meta)
    if late:
        result.notes.append(late)
    result.harness += problems + [f"Container: Python {sys.version.split()[0]}, "
                                  f"memory limit {_memory_limit()}, CPUs {_cpus()}."]
    doc = finish(result.to_gradescope(), hw.settings, meta)
    _write(root / "results" / "results.json", doc)
    return 0


def finish(doc: dict, settings, meta: dict, *, complete: bool = True, partial: bool = False) -> dict:
    """Apply the homework's Gradescope settings and the submission record to a results dict."""
    doc["visibility"] = settings.results_visibility
    doc["stdout_visibility"] = settings.stdout_visibility
    doc["extra_data"] = {**submission_record(meta), "complete": complete}
    if partial:
        doc["extra_data"]["partial"] = True
    return doc


def salvage(partial: dict, reason: str, diagnostics: list[str]) -> dict:
    """A partial result written by the grading child before it was stopped: graded checks keep
    their scores, the rest say why they were not run."""
    doc = json.loads(json.dumps(partial))
    doc["output"] = reason + "\n" + doc.get("output", "")
    for t in doc.get("tests", []):
        if "harness" in t.get("tags", []):
            t["output"] = "\n\n".join(diagnostics + [t.get("output", "")])
        elif t.get("max_score", 0) > 0 and t.get("output", "").startswith("Not graded: grading stopped"):
            t["output"] = f"Not graded: {reason}"
    return doc


def _memory_limit() -> str:
    for p in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            v = Path(p).read_text().strip()
        except OSError:
            continue
        if not v.isdigit() or int(v) > 1 << 50:
            return "none"
        return f"{int(v) / 2**20:.0f} MiB"
    return "unknown"


def _cpus() -> str:
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            return f"{int(quota) / int(period):g}"
    except (OSError, ValueError):
        pass
    return str(len(os.sched_getaffinity(0)))


# -- checking results.json against the specification --------------------------------------
def validate(doc: dict) -> list[str]:
    """Problems with a results.json document: the shipped JSON Schema of Gradescope's
    specification, then what a schema cannot say (scores within their maxima, the total)."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in validator.iter_errors(doc)]
    if problems:
        return problems
    tests = doc.get("tests", [])
    for t in tests:
        if "max_score" in t and "score" in t and not (0 <= t["score"] <= t["max_score"] + 1e-9):
            problems.append(f"test {t.get('number')}: score {t['score']} outside 0..{t['max_score']}")
    if "score" in doc and tests and all("score" in t for t in tests):
        total = sum(t["score"] for t in tests)
        if abs(total - doc["score"]) > 1e-6:
            problems.append(f"top-level score {doc['score']} differs from the tests' sum {total}")
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m graders.core.gradescope")
    ap.add_argument("--root", default=None, help=f"container root (default ${ROOT_ENV} or /autograder)")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    root = container_root(args.root)
    sys.exit(grade_in_container(root) if args.inner else supervise(root))


if __name__ == "__main__":
    main()
