"""Datasets that checks read from disk, and the one place that may download them.

Grading never downloads. A homework lists the datasets its checks read in
``Settings.datasets``; Gradescope's ``setup.sh`` fetches them once, when the image is built,
into the data directory, and checks open them from ``data_dir()`` in the dataset's usual
on-disk layout (torchvision's ``<root>/MNIST/raw/*-ubyte`` for MNIST). Tests write small
files in that same layout instead.

    python -m graders.core.datasets fetch NAME... --dest DIR [--dry-run]
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

DATA_ENV = "GRADER_DATA_DIR"
_ROOT = Path(__file__).resolve().parents[2]


def _torchvision(cls_name: str):
    def fetch(dest: Path):
        import torchvision.datasets as tvd

        cls = getattr(tvd, cls_name)
        for train in (True, False):
            cls(root=str(dest), train=train, download=True)
    return fetch


# name -> (what it is, fetch(dest)).
KNOWN = {
    "mnist": ("MNIST handwritten digits, torchvision layout <data>/MNIST/raw", _torchvision("MNIST")),
    "cifar10": ("CIFAR-10, torchvision layout <data>/cifar-10-batches-py", _torchvision("CIFAR10")),
}


def data_dir() -> Path:
    """Where checks read datasets: $GRADER_DATA_DIR, else ``data/`` beside grade.py."""
    return Path(os.environ.get(DATA_ENV) or _ROOT / "data")


def fetch(names, dest: Path, *, dry_run: bool = False, log=print) -> list[str]:
    dest = Path(dest)
    for name in names:
        what, get = KNOWN[name]
        if dry_run:
            log(f"would fetch {name} ({what}) into {dest}")
            continue
        dest.mkdir(parents=True, exist_ok=True)
        log(f"fetching {name} ({what}) into {dest}")
        get(dest)
    return list(names)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m graders.core.datasets")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("fetch", help="download datasets (setup.sh passes those the homework declares)")
    p.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(sorted(KNOWN))}")
    p.add_argument("--dest", default=None, help=f"data directory (default: ${DATA_ENV} or ./data)")
    p.add_argument("--dry-run", action="store_true", help="say what would be fetched; touch nothing")
    args = ap.parse_args(argv)
    unknown = sorted(set(args.names) - set(KNOWN))
    if unknown:
        ap.error(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}")
    if not fetch(args.names, Path(args.dest) if args.dest else data_dir(), dry_run=args.dry_run):
        print("no datasets to fetch")


if __name__ == "__main__":
    main()
