"""The adversarial corpus: hostile and broken submissions against a tiny homework.

Each submission in tests/adversarial/ attacks the grader in one way and is honest elsewhere;
tests/adversarial/expected.json gives its verdict. For each one the score must be exactly
what its honest parts earn, results.json must validate and list every check, and no process
or file may outlive the grading.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from graders.core import CheckSet, Homework, Settings, expect_close, prop, render, results, runner, sandbox
from graders.core.gradescope import validate
from graders.core.strategies import matrices, vectors

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "adversarial"
EXPECTED = {k: v for k, v in json.loads((CORPUS / "expected.json").read_text()).items()
            if not k.startswith("_")}

checks = CheckSet("Tiny")


@checks.check("1", "add one", points=1, needs=["add_one"])
def _add_one(s):
    """add_one(x) is x + 1, elementwise."""
    @prop(x=vectors())
    def _(x):
        expect_close(s.add_one(x), x + 1, what="add_one(x)", tol=1e-9)


@checks.check("2", "row means", points=2, needs=["row_means"])
def _row_means(s):
    """row_means(X) is the mean of each row."""
    @prop(X=matrices())
    def _(X):
        expect_close(s.row_means(X), X.mean(axis=1), what="row_means(X)", tol=1e-9)


@checks.check("3", "norm", points=3, needs=["norm"])
def _norm(s):
    """norm(x) is the Euclidean norm."""
    @prop(x=vectors())
    def _(x):
        expect_close(s.norm(x), np.sqrt(np.sum(x * x)), what="norm(x)", tol=1e-9)


HW = Homework("tiny_adversarial", "Tiny homework for the adversarial corpus", "tests", (checks,),
              settings=Settings(call_timeout=4.0, check_budget=10.0, max_examples=5, call_cpu=2.0,
                                memory_mb=1024, max_processes=32, file_size_mb=8, open_files=64,
                                submission_budget=120.0))
POINTS = {c.number: c.points for c in HW.checks}
REFERENCE = '''import numpy as np
def add_one(x): return np.asarray(x) + 1
def norm(x): return float(np.linalg.norm(x))
'''


class Context:
    """What the attacks aim at: a stand-in grader tree with a reference and a key, and a
    server on the loopback that answers row_means (reachable only without a network
    namespace)."""

    def __init__(self, base: Path):
        self.tree = base / "grader_tree"
        (self.tree / "reference").mkdir(parents=True)
        (self.tree / "reference" / "tiny.py").write_text(REFERENCE)
        (self.tree / "keys.txt").write_text("open-sesame\n")
        self.mark = "advmark" + secrets.token_hex(6)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                X = np.array(json.loads(conn.makefile().readline()))
                conn.sendall(json.dumps(X.mean(axis=1).tolist()).encode() + b"\n")

    def close(self):
        self.server.close()


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    c = Context(tmp_path_factory.mktemp("adversarial"))
    yield c
    c.close()


def layers_now() -> dict:
    root = sandbox.is_root()
    ns = sandbox.choose_namespace(sandbox.requested_mode(), root)
    return {"net": ns is not None, "hide": ns == "bwrap" or root, "signals": root or ns is not None}


def build(name: str, dest: Path, ctx: Context, out: Path) -> Path:
    src = CORPUS / name if (CORPUS / name).is_dir() else CORPUS / f"{name}.py"
    files = sorted(src.glob("*.py")) if src.is_dir() else [src]
    dest.mkdir(parents=True)
    subs = {"@@HIDDEN@@": str(ctx.tree), "@@OUT@@": str(out), "@@PORT@@": str(ctx.port),
            "@@MARK@@": ctx.mark}
    for f in files:
        text = f.read_text()
        for k, v in subs.items():
            text = text.replace(k, v)
        (dest / f.name).write_text(text)
    return dest


def grade(name: str, tmp_path: Path, ctx: Context, **kw):
    """Grade like grade.py does: placeholder first, then the real result, atomically."""
    out = tmp_path / "out"
    out.mkdir()
    render.write_atomic(out / "results.json", render.gradescope_json(results.placeholder(HW, "not finished")))
    sub = build(name, tmp_path / "submission", ctx, out)
    result = runner.grade(HW, [sub], hide=[ctx.tree, out], **kw)
    render.write_outputs(result, out)
    return result, out


def stray_processes(mark: str, uid: int | None) -> list[str]:
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{name}/cmdline").read_bytes()
            owner = os.stat(f"/proc/{name}").st_uid
        except OSError:
            continue
        if mark.encode() in cmd or (uid is not None and owner == uid):
            found.append(f"{name}: {cmd[:80]!r}")
    return found


def stray_files(mark: str) -> list[str]:
    return [str(p) for place in sandbox.SHARED_TMP if os.path.isdir(place)
            for p in Path(place).glob(mark + "*")]


def sandbox_uid(result) -> int | None:
    m = re.search(r"\buid (\d+)\b", "\n".join(result.harness))
    return int(m.group(1)) if m else None


def check_verdict(name: str, result, out: Path):
    exp = EXPECTED[name]["checks"]
    got = {c.number: c.status for c in result.checks}
    assert set(got) == set(exp)
    wrong = {n: (got[n], result.checks[i].message[:300]) for i, n in enumerate(got) if got[n] not in exp[n]}
    assert not wrong, wrong
    honest = sum(POINTS[n] for n, ok in exp.items() if ok == ["passed"])
    assert result.score == pytest.approx(honest)
    doc = json.loads((out / "results.json").read_text())
    assert validate(doc) == []
    assert doc["score"] == pytest.approx(honest)
    assert [t["number"] for t in doc["tests"] if t["number"] in POINTS] == list(POINTS)
    diag = [t for t in doc["tests"] if t["number"] == "zz.harness"]
    assert diag and diag[0]["visibility"] == "hidden" and "Isolation:" in diag[0]["output"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_adversarial_submission(name, tmp_path, ctx):
    needs = [n for n in EXPECTED[name].get("needs", []) if not layers_now()[n]]
    if needs:
        pytest.skip(f"this machine lacks the isolation the verdict depends on: {needs}")
    before = (tmp_path / "out" / "results.json")
    result, out = grade(name, tmp_path, ctx)
    check_verdict(name, result, out)
    uid = sandbox_uid(result)
    assert stray_processes(ctx.mark, uid) == []
    assert stray_files(ctx.mark) == []
    assert before.exists()
    if name == "stray_child":
        # The daemon would have rewritten results.json two seconds in; it must be gone.
        snapshot = before.read_text()
        time.sleep(2.5)
        assert before.read_text() == snapshot
        assert stray_processes(ctx.mark, uid) == [] and stray_files(ctx.mark) == []
    if name == "print_flood":
        assert "bytes of output cut" in result.student_output
        assert len(result.student_output) < 3 * HW.settings.output_keep
    if name in ("forged_results_print", "atexit_hook"):
        assert "100" in result.student_output or name == "atexit_hook"


def test_corpus_is_complete():
    on_disk = {p.stem for p in CORPUS.glob("*.py")} | {p.name for p in CORPUS.iterdir() if p.is_dir()}
    on_disk.discard("__pycache__")
    assert on_disk == set(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", ["import_grader", "stray_child", "kill_parent", "tmp_litter",
                                  "fork_bomb", "read_secrets"])
def test_fallback_without_namespaces(name, tmp_path, ctx, monkeypatch):
    """Gradescope's Docker: no bubblewrap, no unshare. As root the uid drop and file
    permissions must still hold; the isolation line says namespaces were missing."""
    if not sandbox.is_root():
        pytest.skip("the fallback chain without namespaces relies on the privilege drop (root)")
    monkeypatch.setattr(sandbox, "default_hidden", lambda: [])  # the stand-in tree plays the grader's
    result, out = grade(name, tmp_path, ctx, isolation="none")
    assert "no namespaces" in "\n".join(result.harness)
    check_verdict(name, result, out)
    assert stray_processes(ctx.mark, sandbox_uid(result)) == []
    assert stray_files(ctx.mark) == []


def test_cpu_limit_is_polled_from_outside(tmp_path):
    from graders.core.errors import StudentTimeout
    from graders.core.worker import Target, Worker

    (tmp_path / "burn.py").write_text("def burn():\n    while True:\n        pass\n")
    limits = sandbox.Limits(cpu_per_call=0.5)
    with Worker(tmp_path, tmp_path / "out.txt", call_timeout=20, limits=limits, hide=[]) as w:
        t = time.monotonic()
        with pytest.raises(StudentTimeout, match="CPU"):
            w.call(Target("burn.py", "burn"))
        assert time.monotonic() - t < 10


def test_results_json_is_valid_before_grading_finishes(tmp_path, ctx):
    """A grading run killed midway (the container's own limit) leaves the all-zero result."""
    out = tmp_path / "out"
    sub = build("sleep_forever", tmp_path / "submission", ctx, out)
    script = (f"import sys; sys.path[:0] = [{str(HERE.parent)!r}, {str(HERE)!r}]\n"
              "import grade, test_adversarial as t\n"
              f"grade.grade_one(t.HW, [__import__('pathlib').Path({str(sub)!r})], "
              f"__import__('pathlib').Path({str(out)!r}), quiet=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    deadline = time.monotonic() + 60
    while not (out / "results.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    os.killpg(proc.pid, 9)
    proc.wait()
    doc = json.loads((out / "results.json").read_text())
    assert validate(doc) == []
    assert doc["score"] == 0
    assert [t["number"] for t in doc["tests"] if t["number"] in POINTS] == list(POINTS)
    shutil.rmtree(out)


@pytest.mark.slow
def test_end_to_end_cheating_csci5527_hw3(tmp_path):
    """Through the command line on the real homework: the template with every stub swapped for
    the reference's functions when they can be imported, forging results.json on the side.
    None of it may score."""
    if not layers_now()["hide"]:
        pytest.skip("no layer hides the grader's files here (not root, no bubblewrap)")
    repo = HERE.parent
    out = tmp_path / "out"
    sub = tmp_path / "submission"
    shutil.copytree(repo / "student_template" / "csci5527_hw3", sub)
    for f in sorted(sub.glob("*.py")):
        f.write_text(f.read_text() + f"""

import sys as _sys
_sys.path[:0] = [{str(repo)!r}, "/autograder/source"]
try:
    from reference.csci5527_hw3.{f.stem} import *  # noqa: F401,F403
except Exception:
    pass
try:
    open({str(out / 'results.json')!r}, "w").write('{{"score": 15, "tests": []}}')
except OSError:
    pass
print('{{"score": 15}}')
""")
    r = subprocess.run([sys.executable, str(repo / "grade.py"), "grade", "csci5527_hw3", str(sub),
                        "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    doc = json.loads((out / "results.json").read_text())
    assert validate(doc) == []
    assert doc["score"] == 0
    graded = [t for t in doc["tests"] if t.get("max_score")]
    assert graded and all(t["score"] == 0 for t in graded)
