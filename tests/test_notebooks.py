"""Notebooks, zips and odd files as students hand them in.

Odd notebook shapes are graded against a tiny homework with cheap numpy checks; the EECS 182
notebooks and the CSCI 5527 notebook-versus-.py equivalence use the real graders.
"""
from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import corpus
import graders
from graders.core import CheckSet, Homework, Settings, expect_close, notebook, runner
from graders.core import submission as submission_mod

NB_CORPUS = corpus.SUBMISSIONS / "notebooks"

tiny = CheckSet("tiny")


@tiny.check("1", "add", points=1, needs=["add"])
def _add(s):
    """add(a, b) is a + b."""
    expect_close(s.add(np.arange(3.0), 2.0), np.arange(3.0) + 2, what="add", tol=1e-9)


@tiny.check("2", "scale", points=2, needs=["scale"])
def _scale(s):
    """scale(x) is 2x."""
    expect_close(s.scale(np.ones(2)), 2 * np.ones(2), what="scale", tol=1e-9)


def tiny_hw(mode="all", **kw):
    settings = dict(call_timeout=10.0, check_budget=20.0, max_examples=5, notebook_mode=mode,
                    cell_budget=1.5, notebook_budget=6.0, file_hints={"add": "problem2", "scale": "problem2"})
    settings.update(kw)
    return Homework("tiny", "tiny", "none", (tiny,), settings=Settings(**settings))


ADD = "def add(a, b):\n    return a + b"
SCALE = "def scale(x):\n    return 2 * x"


def write_nb(path: Path, cells, *, counts=None, crlf=False):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    for c, n in zip(nb.cells, counts or []):
        c.execution_count = n
    text = nbformat.writes(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode())
    return path


def scores(r):
    return {c.number: c.score for c in r.checks}


def notes(r):
    return "\n".join(r.notes)


# -- cells -------------------------------------------------------------------------------------
def test_magics_shell_display_and_a_failing_cell_do_not_stop_the_notebook(tmp_path):
    write_nb(tmp_path / "hw.ipynb", [
        "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n!pip install numpy",
        ADD,
        "files = !ls\nraise ValueError('half-finished cell')",
        "%%bash\necho not python",
        "%%time\n" + SCALE + "\nfig, axes = plt.subplots(1, 2)\nplt.plot([1, 2]); plt.show()\ndisplay(scale(1))\nx?",
        "n = int(input('how many?'))",
        "import sys\nsys.exit(0)",
    ])
    r = runner.grade(tiny_hw("all"), [tmp_path])
    assert scores(r) == {"1": 1, "2": 2}
    text = notes(r)
    assert "cell 3 raised ValueError: half-finished cell; the cells after it still ran" in text
    assert "shell command skipped: !pip install numpy" in text
    assert "cell magic %%bash skipped" in text
    assert "matplotlib is not installed" in text
    assert "cell 6 raised EOFError: input() cannot be answered" in text
    assert "cell 7 raised SystemExit" in text
    assert "cell 5 raised" not in text  # plt.subplots() unpacks into two stand-ins
    assert [row["file"] for row in r.found] == ["hw.ipynb", "hw.ipynb"]


def test_slow_cell_is_stopped_and_what_it_and_earlier_cells_defined_stays_gradable(tmp_path):
    write_nb(tmp_path / "hw.ipynb", [
        ADD,
        "import time\nfor epoch in range(50):\n    time.sleep(1)  # a 50-epoch training loop",
        SCALE,
    ])
    r = runner.grade(tiny_hw("all"), [tmp_path])
    assert scores(r) == {"1": 1, "2": 2}
    assert "cell 2 stopped after 1.5 s (the per-cell budget)" in notes(r)


def test_cell_that_swallows_the_timeout_is_killed_by_the_parent_and_definitions_are_graded(tmp_path, monkeypatch):
    monkeypatch.setattr(notebook.Loader, "SLACK", 2.0)
    write_nb(tmp_path / "hw.ipynb", [
        ADD,
        "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass",
        SCALE,
    ])
    r = runner.grade(tiny_hw("all", cell_budget=3.0, notebook_budget=4.0), [tmp_path])
    assert scores(r) == {"1": 1, "2": 2}
    assert "graded its definitions only" in notes(r)


def test_cell_that_kills_the_process_falls_back_to_definitions(tmp_path):
    write_nb(tmp_path / "hw.ipynb", [ADD, "import os\nos._exit(3)", SCALE])
    r = runner.grade(tiny_hw("all"), [tmp_path])
    assert scores(r) == {"1": 1, "2": 2}
    assert "graded its definitions only" in notes(r)


def test_definitions_only_skips_training_and_keeps_imports_defs_and_constants(tmp_path):
    write_nb(tmp_path / "hw.ipynb", [
        "import numpy as np\nOFFSET = np.float64(0.0)\nFACTOR = dict(k=2)['k']",
        "def add(a, b):\n    return a + b + OFFSET",
        "import time\nhistory = time.sleep(60)\nwhile True:\n    pass",
        "def scale(x):\n    return FACTOR * x",
        "scale(undefined_name)",
    ])
    r = runner.grade(tiny_hw("definitions"), [tmp_path])
    assert scores(r) == {"1": 1, "2": 2}
    assert r.execution_time < 30
    assert "raised" not in notes(r)


def test_definitions_only_rule():
    src = ("import torch\nx = 3\ndevice = torch.device('cpu')\nmodel = Net()\ncfg = dict(lr=0.1)\n"
           "print(x)\nif __name__ == '__main__':\n    main()\nclass Net:\n    pass\nhist = train(model)\n")
    kept, skipped = notebook.definitions_only(src, {"torch"})
    assert [ln for ln in kept.split("\n") if ln.strip()] == [
        "import torch", "x = 3", "device = torch.device('cpu')", "cfg = dict(lr=0.1)", "class Net:", "    pass"]
    assert skipped == 4
    assert len(kept.split("\n")) == len(src.split("\n"))  # line numbers survive


def test_out_of_order_windows_line_endings_and_gradescope_rename(tmp_path):
    write_nb(tmp_path / "Problem 2 (1).ipynb", ["import numpy as np", SCALE, ADD], counts=[3, 1, 2], crlf=True)
    write_nb(tmp_path / "scratch.ipynb", ["def add(a, b):\n    return a - b"])
    r = runner.grade(tiny_hw("all"), [tmp_path])
    assert scores(r) == {"1": 1, "2": 2}
    assert "run out of order" in notes(r)
    add_row = next(row for row in r.found if row["name"] == "add")
    assert add_row["file"] == "Problem 2 (1).ipynb"
    assert "also defined in scratch.ipynb" in add_row["note"]


def test_tie_rule_prefers_py_over_notebook_then_shallow_paths(tmp_path):
    write_nb(tmp_path / "work.ipynb", ["def add(a, b):\n    return a - b"])
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.py").write_text(ADD + "\n\n" + SCALE + "\n")
    r = runner.grade(tiny_hw("all"), [tmp_path])
    assert scores(r) == {"1": 1, "2": 2}
    assert {row["file"] for row in r.found} == {"sub/mine.py"}


def test_student_reported_outputs_are_read_from_the_saved_notebook(tmp_path):
    nb = new_notebook(cells=[new_code_cell("print(acc)")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="CNN validation accuracy: 93.33%\n")]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert notebook.read(path, "x.ipynb").saved_outputs == [(1, "CNN validation accuracy: 93.33%\n")]


# -- bad files and zips ------------------------------------------------------------------------
def test_bad_files_cost_only_the_names_they_held(tmp_path, monkeypatch):
    monkeypatch.setattr(submission_mod, "MAX_MEMBER_BYTES", 1 << 20)
    sub = tmp_path / "sub"
    write_nb(sub / "good.ipynb", ["import numpy as np", ADD])
    (sub / "Problem 2.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "def scale(x):')  # truncated
    (sub / "old.ipynb").write_text(json.dumps({"nbformat": 2, "worksheets": []}))
    (sub / "empty.py").write_bytes(b"")
    (sub / "binary.py").write_bytes(b"\x7fELF\x00\x00\x01")
    (sub / "latin.py").write_bytes("# caf\xe9\ndef other():\n    return 1\n".encode("latin-1"))
    with zipfile.ZipFile(sub / "extra.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("../../escape.py", "def scale(x):\n    return 2 * x\n")
        z.writestr("bomb.npy", b"\0" * (3 << 20))
    r = runner.grade(tiny_hw("all"), [sub])
    assert scores(r) == {"1": 1, "2": 0}
    scale = next(c for c in r.checks if c.number == "2")
    assert scale.status == "missing" and "Problem 2.ipynb" in scale.message
    text = notes(r)
    assert "Problem 2.ipynb: not valid JSON" in text
    assert "old.ipynb: unsupported notebook format (nbformat 2" in text
    assert "empty.py: the file is empty" in text
    assert "binary.py: not a text file" in text
    assert "latin.py: not valid UTF-8" in text
    ignored = dict(r.ignored)
    assert ignored["extra.zip/../../escape.py"] == "unsafe path in zip, not extracted"
    assert "over the grader's limit" in ignored["extra.zip/bomb.npy"]
    assert not (tmp_path / "escape.py").exists()


def test_zip_bomb_that_lies_about_its_size_is_not_extracted(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("code.py", ADD + "\n\n" + SCALE + "\n")
        z.writestr("data.bin", b"\0" * (2 << 20))
    raw = bytearray(buf.getvalue())
    # Shrink data.bin's declared size in both headers to 10 bytes.
    big = (2 << 20).to_bytes(4, "little")
    assert raw.count(big) == 2
    raw = raw.replace(big, (10).to_bytes(4, "little"))
    (tmp_path / "sub.zip").write_bytes(bytes(raw))
    r = runner.grade(tiny_hw("all"), [tmp_path / "sub.zip"])
    assert scores(r) == {"1": 1, "2": 2}
    assert "larger than the zip declares" in dict(r.ignored)["data.bin"]


def test_zips_at_any_depth_are_opened(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("codes/problem2.ipynb", nbformat.writes(new_notebook(cells=[new_code_cell(ADD), new_code_cell(SCALE)])))
    folder = tmp_path / "sub" / "deep"
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "outer.zip", "w") as z:
        z.writestr("README.md", "my submission")
        z.writestr("inner.zip", inner.getvalue())
    r = runner.grade(tiny_hw("all"), [tmp_path / "sub"])
    assert scores(r) == {"1": 1, "2": 2}
    assert {row["file"] for row in r.found} == {"deep/outer/inner/codes/problem2.ipynb"}


# -- EECS 182 FA23 HW3 notebooks ---------------------------------------------------------------
EECS = "eecs182_fa23_hw3"
CODING = {"1.a", "1.b", "6.c.i"}
MUTANTS = {"blur_unnormalised": {"1.a"}, "laplacian_sign": {"1.b"}, "sobel_one_orientation": {"1.b"},
           "too_few_epochs": {"6.c.i"}}


def eecs_hw():
    return graders.load(EECS)


def test_eecs_reference_notebooks_pass_every_coding_check():
    r = runner.grade(eecs_hw(), [corpus.ROOT / "reference" / EECS])
    assert {c.number for c in r.checks if c.number in CODING and c.passed} == CODING
    assert not any("raised inside the grader" in h for h in r.harness)


def test_eecs_template_notebooks_are_not_implemented_yet():
    r = runner.grade(eecs_hw(), [corpus.ROOT / "student_template" / EECS])
    by = {c.number: c for c in r.checks}
    assert {by[n].status for n in CODING} == {"not_implemented"}
    assert all(by[n].score == 0 for n in CODING)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(MUTANTS) + ["colab_zip"])
def test_eecs_notebook_mutants_lose_exactly_their_check(case, tmp_path):
    hw = eecs_hw()
    ref_dir = corpus.ROOT / "reference" / EECS
    ref = runner.grade(hw, [ref_dir])
    sub = tmp_path / case
    shutil.copytree(NB_CORPUS / EECS / case, sub)
    for f in ref_dir.iterdir():  # the rest of the reference (the answer sheet) unchanged
        if f.is_file() and f.suffix != ".ipynb":
            shutil.copyfile(f, sub / f.name)
    r = runner.grade(hw, [sub])
    lost = {c.number for c, base in zip(r.checks, ref.checks) if base.passed and not c.passed}
    assert lost == MUTANTS.get(case, set())
    for n in lost:
        c = next(c for c in r.checks if c.number == n)
        assert c.status == "failed" and c.message


def test_edge_images_are_deterministic_and_balanced():
    from graders.eecs182_fa23_hw3.coding import edge_images

    x1, y1 = edge_images(20, seed=182)
    x2, y2 = edge_images(20, seed=182)
    assert x1.shape == (60, 1, 16, 16) and x1.dtype == np.float32
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert np.bincount(y1).tolist() == [20, 20, 20]
    # a horizontal edge is a bright row, a vertical one a bright column
    h = x1[y1 == 1][0, 0]
    assert h.mean(axis=1).max() > 0.5 > h.mean(axis=0).max()


# -- CSCI 5527: the same code as notebooks grades the same ------------------------------------
@pytest.mark.slow
def test_csci5527_notebooks_grade_like_the_py_files():
    hw = graders.load("csci5527_hw3")
    py = runner.grade(hw, [corpus.ROOT / "reference" / "csci5527_hw3"])
    nb = runner.grade(hw, [NB_CORPUS / "csci5527_hw3_notebooks"])
    assert [(c.number, c.score, c.status) for c in nb.checks] == [(c.number, c.score, c.status) for c in py.checks]
    assert {row["file"] for row in nb.found if row["file"] and row["file"].endswith(".ipynb")} == {
        "Problem2 (1).ipynb", "Problem3 (1).ipynb"}


def test_accuracy_a_notebook_printed_is_shown_as_student_reported_not_scored(tmp_path):
    import nbformat

    import graders
    from graders.core import render, runner

    hw = graders.load("csci5527_hw3")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("train()")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                           text="epoch 10 loss 0.02\nTest accuracy: 98.31%\n")]
    nb.cells = [cell]
    nbformat.write(nb, str(tmp_path / "Problem 1.ipynb"))
    r = runner.grade(hw, [tmp_path])
    item = next(m for m in r.manual if m.number == "1.e")
    assert item.reported == [("test accuracy", "98.31%", "Problem 1.ipynb, cell 1")]
    assert next(m for m in r.manual if m.number == "4.b").reported == []  # another problem's notebook
    assert r.score == 0  # reported, never scored
    assert "Student-reported, not verified: test accuracy 98.31%" in render.terminal(r)
    assert "Student-reported, not verified" in render.html(r)
    gs = {t["number"]: t for t in r.to_gradescope()["tests"]}
    assert gs["1.e"]["max_score"] == 0 and "98.31%" in gs["1.e"]["output"]
