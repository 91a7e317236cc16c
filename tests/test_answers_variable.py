"""Answers assigned as ``ANSWERS = {...}`` in a module or notebook grade like the sheet."""
from __future__ import annotations

import nbformat
import pytest

import graders
from graders.core import runner

ROOT = __import__("corpus").ROOT
HW = graders.load("dl_fa24_hw")


def _reference_answers() -> dict:
    out = {}
    for line in (ROOT / "reference" / "dl_fa24_hw" / "answers.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, value = line.split(":", 1)
            out[key.strip()] = value.strip()
    return out


def _scores(result):
    return {c.number: c.score for c in result.checks}


def test_answers_in_a_module_score_like_the_sheet(tmp_path):
    answers = _reference_answers()
    answers["4.1.size.height"] = 3           # numbers may be numbers, not only text
    (tmp_path / "hw.py").write_text(f"ANSWERS = {answers!r}\n")
    r = runner.grade(HW, [tmp_path])
    assert r.score == r.max_score == 12
    assert any("hw.py (ANSWERS)" in (f["file"] or "") for f in r.found)


def test_a_wrong_answer_in_a_notebook_loses_its_check(tmp_path):
    answers = _reference_answers()
    answers["4.1.j"] = "-13/16"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Written answers"),
                nbformat.v4.new_code_cell("import numpy as np\n%matplotlib inline"),
                nbformat.v4.new_code_cell(f"ANSWERS = {answers!r}")]
    nbformat.write(nb, str(tmp_path / "Homework (1).ipynb"))
    r = runner.grade(HW, [tmp_path])
    lost = {n for n, s in _scores(r).items() if s == 0}
    assert lost == {"4.1.j"}


def test_the_sheet_wins_where_both_answer_and_bad_values_are_reported(tmp_path):
    (tmp_path / "answers.txt").write_text((ROOT / "reference" / "dl_fa24_hw" / "answers.txt").read_text())
    (tmp_path / "extra.py").write_text("ANSWERS = {'4.1.j': '-13/16', '4.1.params': object}\n")
    r = runner.grade(HW, [tmp_path])
    assert r.score == 12
    assert any("answered in answers.txt and in extra.py" in n for n in r.notes)
    assert any("4.1.params" in n and "ignored" in n for n in r.notes)


@pytest.mark.parametrize("source", ["ANSWERS = [1, 2]\n", "ANSWERS = {'4.1.j': -0.875}\n"])
def test_odd_answers_variables(source, tmp_path):
    (tmp_path / "a.py").write_text(source)
    r = runner.grade(HW, [tmp_path])
    if source.startswith("ANSWERS = ["):
        assert r.score == 0 and any("should be a dict" in n for n in r.notes)
    else:
        assert _scores(r)["4.1.j"] > 0 and r.score == _scores(r)["4.1.j"]
