"""The engine's own contracts: the codec, the worker boundary, declarations, discovery, CLI."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from graders.core import CheckSet, Homework, ManualItem, Settings, codec, expect_close
from graders.core.codec import FrameError, Handle
from graders.core.errors import (CheckFailure, HarnessDeclarationError, MissingName,
                                 NotImplementedByStudent, StudentError, StudentImportError,
                                 StudentTimeout, WorkerCrashed)
from graders.core.submission import SubmissionError, prepare
from graders.core.worker import Target, Worker

ROOT = __import__("corpus").ROOT


# -- codec ----------------------------------------------------------------------------------------
def test_codec_round_trip_keeps_types_shapes_and_dtypes():
    value = {"a": [1, 2.5, float("nan"), (3, "x")], "b": np.arange(6, dtype=">i4").reshape(2, 3),
             "c": np.float32(2.0), "__d__": None, "e": 1 + 2j, "f": 2**70, "g": np.arange(10)[::3]}
    out = codec.decode_frame(codec.encode(value))
    assert out["a"][:2] == [1, 2.5] and np.isnan(out["a"][2]) and out["a"][3] == (3, "x")
    assert out["b"].dtype == np.dtype("int32") and out["b"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert out["c"].shape == () and out["c"].dtype == np.float32
    assert out["__d__"] is None and out["e"] == 1 + 2j and out["f"] == 2**70
    assert out["g"].tolist() == [0, 3, 6, 9]
    assert type(out["b"]) is np.ndarray and out["b"].flags.writeable


def test_codec_refuses_what_must_not_cross():
    with pytest.raises(FrameError):
        codec.encode(np.array([object()], dtype=object))
    with pytest.raises(FrameError):
        codec.encode(set())
    nested = []
    for _ in range(100):
        nested = [nested]
    with pytest.raises(FrameError):
        codec.encode(nested)


def _frame(header: dict, body: bytes = b"") -> bytes:
    h = json.dumps(header).encode()
    return codec._HDR.pack(codec.MAGIC, len(h), len(body)) + h + body


@pytest.mark.parametrize("frame", [
    _frame({"__nd__": ["|O", [1], 0, 8]}, b"\0" * 8),          # object dtype
    _frame({"__nd__": ["<f8", [3], 0, 8]}, b"\0" * 8),         # shape does not match bytes
    _frame({"__nd__": ["<f8", [1], 8, 8]}, b"\0" * 8),         # buffer out of range
    _frame({"__nd__": ["<f8", [-1], 0, 0]}),                   # negative shape
    _frame({"__pickle__": "x"}),                               # unknown marker
    b"XXXX" + _frame({})[4:],                                  # bad magic
    _frame({})[:-1],                                           # truncated
])
def test_codec_rejects_malformed_frames(frame):
    with pytest.raises(FrameError):
        codec.decode_frame(frame)


def test_codec_enforces_frame_size_cap():
    frame = codec.encode(np.zeros(1000))
    with pytest.raises(FrameError):
        codec.decode_frame(frame, max_bytes=100)


# -- worker ---------------------------------------------------------------------------------------
STUDENT = '''
import numpy as np
def double(x): return x * 2
def todo(): raise NotImplementedError
def divide(x): return 1 / x
def hang():
    while True: pass
def die():
    import os; os._exit(3)
def chatty(): print("hello from the student"); return 1
def exits(): import sys; sys.exit(0)
class Counter:
    def __init__(self): self.n = 0
    def inc(self): self.n += 1; return self.n
def make(): return Counter()
def weird(): return {1, 2}
'''


@pytest.fixture
def worker(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "student.py").write_text(STUDENT)
    (tmp_path / "s" / "broken.py").write_text("def f(:\n")
    with Worker(tmp_path / "s", tmp_path / "out.txt", call_timeout=3) as w:
        yield w


def call(w, name, *args):
    return w.call(Target("student.py", name), args)


def test_worker_calls_and_returns_arrays(worker):
    out = call(worker, "double", np.arange(3.0))
    assert type(out) is np.ndarray and out.tolist() == [0, 2, 4]


def test_worker_reports_student_failures_by_kind(worker):
    with pytest.raises(NotImplementedByStudent):
        call(worker, "todo")
    with pytest.raises(StudentError) as e:
        call(worker, "divide", 0)
    assert e.value.exc_type == "ZeroDivisionError"
    assert 'File "student.py"' in e.value.traceback and "_child.py" not in e.value.traceback
    with pytest.raises(MissingName):
        call(worker, "nope")
    with pytest.raises(StudentImportError) as e:
        worker.call(Target("broken.py", "f"))
    assert "SyntaxError" in e.value.traceback
    with pytest.raises(StudentError):
        call(worker, "exits")
    # a value that cannot cross stays behind a handle, and a comparison names its type
    h = call(worker, "weird")
    assert isinstance(h, Handle) and h.type_name == "set"
    with pytest.raises(CheckFailure, match="object of type set"):
        expect_close(h, np.zeros(2), what="weird()", tol=1e-6)


def test_a_hang_is_killed_and_the_next_call_gets_a_fresh_worker(worker):
    with pytest.raises(StudentTimeout):
        worker.call(Target("student.py", "hang"), timeout=1)
    assert call(worker, "double", 2) == 4
    with pytest.raises(WorkerCrashed) as e:
        call(worker, "die")
    assert "exit code 3" in e.value.message
    assert call(worker, "double", 3) == 6
    assert worker.starts == 3


def test_objects_stay_in_the_worker_behind_handles(worker):
    h = call(worker, "make")
    assert isinstance(h, Handle) and h.type_name == "Counter"
    assert worker.call(Target(handle=h, attr="inc")) == 1
    assert worker.call(Target(handle=h, attr="inc")) == 2
    assert worker.getattr(Target(handle=h, attr="n")) == 2


def test_student_output_is_captured_not_mixed_into_the_protocol(worker, tmp_path):
    assert call(worker, "chatty") == 1
    worker.close()
    assert "hello from the student" in (tmp_path / "out.txt").read_text()


# -- declarations ---------------------------------------------------------------------------------
def _one_check(**kw):
    cs = CheckSet("P")
    args = dict(points=1, needs=["f"])
    args.update(kw)

    @cs.check("1.a", "a check", **args)
    def fn(s):
        """proves something"""

    return cs


@pytest.mark.parametrize("kw, words", [
    ({"points": -1}, "points"), ({"points": float("nan")}, "points"), ({"points": True}, "points"),
    ({"visibility": "public"}, "visibility"), ({"needs": []}, "needs"), ({"needs": ["not a name"]}, "needs"),
    ({"tags": "x"}, "tags"),
])
def test_bad_declarations_fail_at_import_naming_the_value(kw, words):
    with pytest.raises(HarnessDeclarationError, match=words):
        _one_check(**kw)


def test_declaration_needs_docstring_and_unique_numbers_and_right_total():
    cs = CheckSet("P")
    with pytest.raises(HarnessDeclarationError, match="docstring"):
        cs.check("1", "x", points=1, needs=["f"])(lambda s: None)
    cs = _one_check()
    with pytest.raises(HarnessDeclarationError, match="twice"):
        Homework("hw", "t", "src", (cs,), manual=(ManualItem("1.a", "m", 1),))
    with pytest.raises(HarnessDeclarationError, match="add up"):
        Homework("hw", "t", "src", (cs,), total_points=2)
    with pytest.raises(HarnessDeclarationError):
        Settings(call_timeout=0)


# -- comparisons ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [
    np.zeros(3),               # broadcastable against a (1, 3) answer: shapes must match exactly
    np.array([[1.0, np.nan, 3.0]]),
    np.array([["a", "b", "c"]]),
    "1,2,3",
    [[1, 2], [3]],
])
def test_expect_close_rejects_wrong_shapes_nonfinite_and_non_numbers(value):
    with pytest.raises(CheckFailure):
        expect_close(value, np.array([[1.0, 2.0, 3.0]]), what="f()", tol=1e-6)


def test_rel_error_is_eq3():
    from graders.core import rel_error

    assert rel_error([3, 4], [3, 4]) == 0 and rel_error([0, 0], [0, 0]) == 0
    assert rel_error([1, 0], [0, 2]) == pytest.approx(np.sqrt(5) / 2)


# -- discovery ------------------------------------------------------------------------------------
def test_names_are_found_by_definition_and_ties_are_reported(tmp_path):
    src = tmp_path / "src"
    (src / "deep" / "er").mkdir(parents=True)
    (src / "my hw (1).py").write_text("def corr2d(X, Y):\n    return X\n")
    (src / "deep" / "er" / "helpers.py").write_text("def corr2d(X, Y):\n    return Y\nfrom x import corr1d\n")
    (src / "problem2.py").write_text("if True:\n    def corr1d(x, y):\n        return x\n")
    (src / "bad.py").write_text("def gradient_magnitude(Y)\n  return 1\n")
    sub = prepare([src], tmp_path / "scratch")
    found = sub.locate(["corr2d", "corr1d", "gradient_magnitude", "missing"], {"corr1d": "problem2"})
    assert found["corr2d"].relpath == "my hw (1).py" and "helpers.py" in found["corr2d"].note
    assert found["corr1d"].relpath == "problem2.py"
    assert found["gradient_magnitude"].relpath == "bad.py"  # found, so its SyntaxError is shown
    assert "missing" not in found
    assert any("syntax error" in (f.problem or "") for f in sub.files)


def test_zip_entries_that_escape_are_not_extracted(tmp_path):
    z = tmp_path / "sub.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("ok/problem2.py", "def corr1d(x, y): return x\n")
        f.writestr("../../evil.py", "x = 1\n")
    sub = prepare([z], tmp_path / "scratch")
    assert [f.relpath for f in sub.files] == ["sub/ok/problem2.py"]
    assert any("unsafe" in why for _, why in sub.ignored)
    assert not (tmp_path / "evil.py").exists()


def test_unreadable_zip_is_a_submission_error(tmp_path):
    z = tmp_path / "bad.zip"
    z.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SubmissionError):
        prepare([z], tmp_path / "scratch")


# -- command line ---------------------------------------------------------------------------------
def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, str(ROOT / "grade.py"), *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_cli_list_names_the_homework():
    p = run_cli("list")
    assert p.returncode == 0 and "csci5527_hw3" in p.stdout


@pytest.mark.parametrize("args, words", [
    (["grade", "nope_hw", "."], "unknown homework"),
    (["grade", "csci5527_hw3", "/does/not/exist"], "not found"),
])
def test_cli_bad_input_gets_one_clear_line(args, words):
    p = run_cli(*args)
    assert p.returncode == 2
    assert words in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_cli_unreadable_zip(tmp_path):
    z = tmp_path / "hw.zip"
    z.write_bytes(b"garbage")
    p = run_cli("grade", "csci5527_hw3", str(z), "--out", str(tmp_path))
    assert p.returncode == 2 and "zip" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_cli_grades_loose_files_and_writes_both_outputs(tmp_path):
    # only problem3.py: P2's checks are reported missing, P3's are graded; exit 0
    p = run_cli("grade", "csci5527_hw3", str(ROOT / "reference" / "csci5527_hw3" / "problem3.py"),
                "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    d = json.loads((tmp_path / "results.json").read_text())
    scores = {t["number"]: t["score"] for t in d["tests"]}
    assert scores["3.bn"] == 0.4 and scores["2.d"] == 0
    assert "Could not find corr2d" in next(t["output"] for t in d["tests"] if t["number"] == "2.d")
    assert (tmp_path / "scorecard.html").read_text().startswith("<!doctype html>")
    assert "Autograded score: 1.5 / 8.5" in p.stdout


@pytest.mark.parametrize("value", [(True, 2), np.array([True, False]), np.array([[1, 2]]), "1, 2", (1, 2, 0)])
def test_expect_equal_is_not_fooled_by_bools_arrays_or_strings(value):
    from graders.core import expect_equal

    with pytest.raises(CheckFailure):
        expect_equal(value, (1, 2), what="f()")


def test_expect_equal_accepts_the_same_pair_however_it_is_typed():
    from graders.core import expect_equal

    for v in [(1, 2), [1, 2], np.array([1, 2]), (np.array(1), np.array(2)), (1.0, 2.0)]:
        expect_equal(v, (1, 2), what="f()")


@pytest.mark.parametrize("report", [("acc",), ("acc", "("), ("acc", "no group"), ("acc", "(a)(b)"), ("acc", "(x)", "[")])
def test_bad_manual_report_declarations_fail_at_import(report):
    with pytest.raises(HarnessDeclarationError, match="report"):
        ManualItem("1.e", "m", 1, report=report)


def test_cli_batch_grades_a_class_and_writes_scores_csv(tmp_path):
    import shutil

    subs = tmp_path / "class"
    shutil.copytree(ROOT / "reference" / "dl_fa24_hw", subs / "ada")
    shutil.copytree(ROOT / "student_template" / "dl_fa24_hw", subs / "bob")
    (subs / "eve.zip").write_bytes(b"not a zip")
    out = tmp_path / "out"
    p = run_cli("batch", "dl_fa24_hw", str(subs), "--out", str(out), "--jobs", "2")
    assert p.returncode == 0, p.stderr
    import csv

    rows = list(csv.reader((out / "scores.csv").read_text().splitlines()))
    assert rows[0] == ["submission", "score", "error"]
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert by_name["ada"] == ["12", ""] and by_name["bob"][0] == "0"
    assert by_name["eve"][0] == "" and "zip" in by_name["eve"][1]
    assert json.loads((out / "ada" / "results.json").read_text())["score"] == 12
    assert (out / "bob" / "scorecard.html").exists()
