#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image for @HOMEWORK@.
#
#   setup.sh            install Python >= 3.11 if the image lacks it, a virtual environment with
#                       the pinned requirements, and the datasets the homework's checks read
#   setup.sh --dry-run  change nothing: resolve the pinned requirements with the network cut
#                       off, and list the datasets that would be fetched
#
# AUTOGRADER_ROOT (default /autograder) moves the whole layout, for tests. TORCH_INDEX is
# where the CPU-only torch wheels come from: PyPI's torch wheel for Linux pulls CUDA
# libraries (gigabytes) that a CPU container never uses.
set -euo pipefail

HOMEWORK="@HOMEWORK@"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"
VENV="$ROOT/venv"
DATA="$SRC/data"
TORCH_INDEX="${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
DRY_RUN=0
case "${1:-}" in
  --dry-run) DRY_RUN=1 ;;
  "") ;;
  *) echo "usage: setup.sh [--dry-run]" >&2; exit 2 ;;
esac

find_python() {
  local py
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}

datasets() {
  "$1" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["datasets"]))' "$SRC/bundle.json"
}

# Each pinned line must end up at its pinned version: in pip's plan, or already installed.
verify_pins() {
  "$1" - "$SRC/requirements.txt" "$2" <<'PYEOF'
import json, re, sys
from importlib import metadata

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

plan = {norm(i["metadata"]["name"]): (i["metadata"]["version"], i.get("download_info", {}).get("url", ""))
        for i in json.load(open(sys.argv[2])).get("install", [])}
bad = 0
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
    if not m:
        print(f"  NOT PINNED  {line}")
        bad += 1
        continue
    name, want = m.groups()
    if norm(name) in plan:
        got, where = plan[norm(name)]
    else:
        try:
            got, where = metadata.version(name), "already installed"
        except metadata.PackageNotFoundError:
            got, where = None, "nowhere"
    ok = got is not None and got.split("+")[0] == want
    bad += not ok
    print(f"  {'ok' if ok else 'MISMATCH':<10}  {name}=={want}  ->  {got} ({where})")
sys.exit(1 if bad else 0)
PYEOF
}

if [[ $DRY_RUN == 1 ]]; then
  PY="$(find_python)" || { echo "setup.sh: no Python >= 3.11 on PATH" >&2; exit 1; }
  report="$(mktemp)"
  trap 'rm -f "$report"' EXIT
  # A proxy that refuses every connection: only local sources (file:// indexes, find-links,
  # wheel caches) can answer, so success means the pins resolve offline.
  offline=(env -u NO_PROXY -u no_proxy "$PY" -m pip install --dry-run --quiet --retries 0 --timeout 5
           --proxy http://127.0.0.1:9 --report "$report" --extra-index-url "$TORCH_INDEX" -r "$SRC/requirements.txt")
  echo "setup.sh --dry-run: $HOMEWORK, $("$PY" --version), network cut off"
  if "${offline[@]}" --ignore-installed 2>"$report.err"; then
    echo "every pinned requirement and its dependencies resolve offline, as on a fresh machine:"
  else
    echo "not every pin is in a local source for a fresh install:"
    grep -E "^ERROR" "$report.err" | sed 's/^/  /' || true
    echo "resolving against this machine's installed packages plus local sources instead:"
    "${offline[@]}" || { echo "setup.sh: the pinned requirements do not resolve offline" >&2; exit 1; }
  fi
  rm -f "$report.err"
  verify_pins "$PY" "$report"
  names="$(datasets "$PY")"
  (cd "$SRC" && "$PY" -m graders.core.datasets fetch $names --dest "$DATA" --dry-run)
  echo "dry run done: nothing was installed or downloaded"
  exit 0
fi

PY="$(find_python)" || {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y python3 python3-venv python3-pip
  PY="$(find_python)" || {
    # Ubuntu 22.04 ships Python 3.10; the grader needs 3.11 or newer.
    apt-get install -y software-properties-common
    add-apt-repository -y ppa:deadsnakes/ppa
    apt-get update
    apt-get install -y python3.12 python3.12-venv
    PY="$(find_python)"
  }
}
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --no-cache-dir --upgrade pip
"$VENV/bin/python" -m pip install --no-cache-dir --extra-index-url "$TORCH_INDEX" -r "$SRC/requirements.txt"
names="$(datasets "$VENV/bin/python")"
(cd "$SRC" && "$VENV/bin/python" -m graders.core.datasets fetch $names --dest "$DATA")
echo "setup.sh: $HOMEWORK ready"
