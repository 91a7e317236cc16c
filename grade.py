#!/usr/bin/env python3
"""Grade numpy/torch homework submissions.

  python grade.py list
  python grade.py grade csci5527_hw3 path/to/submission [--out DIR]
  python grade.py check csci5527_hw3 path/to/submission      (for students: friendly summary)
  python grade.py batch csci5527_hw3 SUBMISSIONS_DIR [--out DIR] [--jobs N]
  python grade.py bundle csci5527_hw3 -o autograder.zip            (Gradescope autograder)
  python grade.py bundle csci5527_hw3 --student -o kit.zip         (students' self-check kit)
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
# A self-check kit (built by `bundle --student`) carries kit.json: no keys, visible checks only.
if (ROOT / "kit.json").exists():
    os.environ["GRADER_KIT"] = "1"


def _die(msg: str, code: int = 2):
    print(f"grade.py: error: {msg}", file=sys.stderr)
    sys.exit(code)


def cmd_list(args):
    import graders

    for hw_id in graders.homework_ids():
        hw = graders.load(hw_id)
        auto = sum(c.points for c in hw.checks)
        manual = sum(m.points for m in hw.manual)
        print(f"{hw_id:<18} {hw.title}  ({len(hw.checks)} checks, {auto:g} autograded + {manual:g} manual points)")


def _load_hw(hw_id):
    import graders

    try:
        return graders.load(hw_id)
    except graders.UnknownHomework as e:
        _die(str(e))


def grade_one(hw, paths, out_dir: Path, *, quiet=False, label=""):
    """Grade and write results.json + scorecard.html; results.json is valid at every moment."""
    from graders.core import kit, render, results, runner, secrets

    out_dir.mkdir(parents=True, exist_ok=True)
    render.write_atomic(out_dir / "results.json",
                        render.gradescope_json(results.placeholder(hw, "Grading did not finish.")))

    def progress(i, n, check):
        if not quiet and sys.stderr.isatty():
            print(f"\r  grading {i + 1}/{n}: {check.number} {check.name[:50]:<50}", end="", file=sys.stderr)

    try:
        result = runner.grade(hw, paths, progress=progress, label=label, hide=[out_dir])
    finally:
        if not quiet and sys.stderr.isatty():
            print("\r" + " " * 80 + "\r", end="", file=sys.stderr)
    if secrets.kit_mode():
        result.notes.insert(0, kit.note(hw))
    render.write_outputs(result, out_dir)
    return result


def cmd_grade(args, *, student=False):
    from graders.core import render
    from graders.core.submission import SubmissionError

    hw = _load_hw(args.homework)
    paths = [Path(p) for p in args.submission]
    for p in paths:
        if not p.exists():
            _die(f"submission not found: {p}")
    out = Path(args.out)
    try:
        result = grade_one(hw, paths, out, label=", ".join(str(p) for p in paths))
    except SubmissionError as e:
        _die(str(e))
    print(render.terminal(result, verbose=args.verbose or student, color=sys.stdout.isatty()))
    print(f"\nWrote {out / 'results.json'} and {out / 'scorecard.html'}")
    if student:
        passed = sum(c.passed for c in result.checks)
        print(f"{passed} of {len(result.checks)} checks passed. Open {out / 'scorecard.html'} in a browser "
              "for the full feedback. Hidden checks and staff-graded parts are not included in this score.")
    if getattr(args, "open", False):
        import webbrowser

        if not webbrowser.open((out / "scorecard.html").resolve().as_uri()):
            print(f"Could not open a browser; open {out / 'scorecard.html'} yourself.")


def cmd_bundle(args):
    from graders.core import bundle

    _load_hw(args.homework)
    out = Path(args.output or (f"{args.homework}-kit.zip" if args.student else f"{args.homework}-autograder.zip"))
    try:
        b = bundle.build(args.homework, out, student=args.student)
    except bundle.BundleError as e:
        _die(str(e))
    what = "self-check kit" if args.student else "Gradescope autograder"
    print(f"Wrote {what} {b.path} ({len(b.names)} files, {b.path.stat().st_size / 1024:.0f} KiB)")
    if b.blanked:
        print(f"Left out the code of non-visible checks: {', '.join(b.blanked)}")


def cmd_batch(args):
    from concurrent.futures import ProcessPoolExecutor, as_completed

    hw = _load_hw(args.homework)
    root = Path(args.submissions)
    if not root.is_dir():
        _die(f"{root} is not a folder of submissions")
    subs = sorted(p for p in root.iterdir() if not p.name.startswith("."))
    if not subs:
        _die(f"{root} holds no submissions")
    out = Path(args.out)
    rows = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futs = {pool.submit(_batch_one, hw.id, str(p), str(out / p.stem)): p for p in subs}
        for i, fut in enumerate(as_completed(futs), 1):
            p = futs[fut]
            score, err = fut.result()
            rows.append((p.stem, score, err))
            print(f"[{i}/{len(subs)}] {p.stem}: " + (f"{score:g}" if err is None else f"error: {err}"),
                  file=sys.stderr)
    rows.sort()
    out.mkdir(parents=True, exist_ok=True)
    import csv

    with open(out / "scores.csv", "w", newline="") as f:
        w = csv.writer(f)  # error messages may hold commas and quotes
        w.writerow(["submission", "score", "error"])
        for name, score, err in rows:
            w.writerow([name, "" if score is None else f"{score:g}", err or ""])
    print(f"Wrote {len(rows)} results under {out} and {out / 'scores.csv'}")


def _batch_one(hw_id, path, out):
    import graders
    from graders.core.submission import SubmissionError

    try:
        r = grade_one(graders.load(hw_id), [Path(path)], Path(out), quiet=True, label=Path(path).name)
        return r.score, None
    except SubmissionError as e:
        return None, str(e)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="grade.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="list the homework this grader knows")
    for name, helptext in (("grade", "grade one submission (instructors)"),
                           ("check", "check your own work before submitting (students)")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("homework", help="homework id, see `grade.py list`")
        p.add_argument("submission", nargs="+", help="a folder, a zip, or .py files")
        p.add_argument("--out", default=".", help="folder for results.json and scorecard.html (default: .)")
        p.add_argument("-v", "--verbose", action="store_true", help="show full feedback for failed checks")
        p.add_argument("--open", action="store_true", help="open the scorecard in a browser afterwards")
    p = sub.add_parser("batch", help="grade a folder of submissions in parallel")
    p.add_argument("homework")
    p.add_argument("submissions", help="folder with one folder or zip per student")
    p.add_argument("--out", default="batch-results")
    p.add_argument("--jobs", type=int, default=2)
    p = sub.add_parser("bundle", help="build the Gradescope autograder zip, or the students' kit")
    p.add_argument("homework")
    p.add_argument("-o", "--output", help="zip to write (default: HW-autograder.zip or HW-kit.zip)")
    p.add_argument("--student", action="store_true",
                   help="the students' self-check kit: visible checks and the template, no keys")
    args = ap.parse_args(argv)
    if args.cmd == "list":
        cmd_list(args)
    elif args.cmd == "grade":
        cmd_grade(args)
    elif args.cmd == "check":
        cmd_grade(args, student=True)
    elif args.cmd == "batch":
        cmd_batch(args)
    elif args.cmd == "bundle":
        cmd_bundle(args)


if __name__ == "__main__":
    main()
