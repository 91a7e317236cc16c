"""Answer sheets: the safe parser, formula equivalence, and every homework's sheet graded
end to end (reference full marks, template all unanswered, each wrong answer losing exactly
its check), in the grading process and in the students' kit (no keys)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import answers_corpus
import graders
from graders.core import runner
from graders.core.answers import (AnswerParseError, EvalError, dims_of, evaluate, parse,
                                  parse_sheet)

SHEET_HOMEWORK = [h for h in graders.homework_ids() if graders.load(h).answer_ids]


# -- values written as students write them -----------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("3 × 3 × 10 × 10 + 10", 910), ("3*3*10*10+10", 910), ("910", 910), ("-0.875", -0.875),
    ("-14/16", -0.875), ("√16", 4), ("sqrt(16) + 1", 5), ("2**10", 1024), ("2^10", 1024),
    ("60,192,808", 60192808), ("1.5e3", 1500), ("(2)(3)", 6), ("2⁵", 32), ("−3", -3),
    ("⌊7/2⌋", 3), ("floor(7/2)", 3), ("⌈7/2⌉", 4), ("7 // 2", 3), ("2^3^2", 512), ("-2^2", -4),
])
def test_numbers(text, value):
    assert float(evaluate(parse(text).tree)) == value


@pytest.mark.parametrize("text, dims", [
    ("28x28x10", (28, 28, 10)), ("28 × 28 × 10", (28, 28, 10)), ("[10, 64, 15, 15]", (10, 64, 15, 15)),
    ("(7, 7)", (7, 7)), ("490", (490,)), ("7X7", (7, 7)), ("10, 64, 32, 32", (10, 64, 32, 32)),
    ("3 × 3 + 1", None), ("2.5 x 2", None),
])
def test_shapes(text, dims):
    assert dims_of(parse(text).tree) == dims


def test_matrices_as_nested_lists():
    v = evaluate(parse("[[-1, 3, -2],\n [3, -3, 1], [0, 3, 1]]").tree)
    assert v.shape == (3, 3) and v[0, 1] == 3
    with pytest.raises(EvalError):
        evaluate(parse("[[1, 2], [3]]").tree)


def test_formulas_in_named_quantities():
    names = ["L", "K", "σx", "σg", "n", "k", "C", "F"]
    env = {"L": 3.0, "K": 5.0, "σx": 2.0, "σg": 0.5, "n": 9.0, "k": 3.0, "C": 2.0, "F": 7.0}
    for text, want in [("L(K-1)+1", 13), ("(L-1)(K-1)+1", 9), ("2^L", 8), ("2**L", 8),
                       ("K*K*C*F", 350), ("C*F*K**2", 350), ("K²CF", 350), ("KKCF", 350),
                       ("(n-k+1)^2 sigma_x^2 σ_g²", 49), ("(n−k+1)²σₓ²σg²", 49)]:
        assert float(evaluate(parse(text, names=names).tree, env)) == want, text


def test_units_are_read_only_where_the_question_allows_them():
    a = parse("229.6 MB", units=["MB", "MiB"])
    assert a.unit == "MB" and float(evaluate(a.tree)) == 229.6
    assert parse("240.8 mib", units=["MB", "MiB"]).unit == "MiB"
    with pytest.raises(AnswerParseError, match="unknown name 'MB'"):
        parse("229.6 MB")


@pytest.mark.parametrize("text, position, words", [
    ("3 × ", 4, "ends where a number"), ("[1, 2", 6, "expected ']'"), ("2 3", 3, "two numbers"),
    ("K*Q", 3, "unknown name 'Q'"), ("1 + * 2", 5, "unexpected '*'"), ("3 @ 4", 3, "unexpected character"),
    ("(" * 100 + "1" + ")" * 100, 31, "nested more than"),
])
def test_parse_errors_name_the_question_and_the_position(text, position, words):
    with pytest.raises(AnswerParseError) as e:
        parse(text, question="2.e.row2.params", names=["K"])
    msg = str(e.value)
    assert msg.startswith("2.e.row2.params: ") and f"at position {position}" in msg and words in msg


# -- fuzzing: never hangs, never raises anything but a parse (or evaluation) error --------------
ALPHABET = st.sampled_from(list("0123456789+-*/^()[],;. xX×√⌊⌋⌈⌉²KLnσ_eE") + ["**", "//", "sqrt(", "sum_i("])


def _try(text):
    try:
        a = parse(text, names=None, units=["MB"])
    except AnswerParseError as e:
        assert str(e)
        return
    try:
        evaluate(a.tree, {"K": 2.0, "L": 3.0, "n": 4.0, "σ": 0.5})
    except EvalError:
        pass
    dims_of(a.tree)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.text(max_size=80))
def test_fuzz_random_text(text):
    _try(text)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_fuzz_operator_soup(text):
    _try(text)


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.integers(1, 3000), st.sampled_from(["(", "[", "-", "√", "2^", "⌊", "sqrt("]))
def test_fuzz_deep_nesting_and_long_chains(depth, opener):
    _try(opener * depth + "1")
    _try("+".join(["1"] * depth))
    _try("2^" * min(depth, 1999) + "9")


def test_huge_powers_overflow_instead_of_hanging():
    assert evaluate(parse("9^9^9^9^9").tree) == np.inf
    with pytest.raises(AnswerParseError, match="longer than"):
        parse("1+" * 5000 + "1")


# -- the sheet file ---------------------------------------------------------------------------
def test_sheet_format():
    sheet = parse_sheet("# comment\n2.a: [1, 2,\n  3]  # trailing comment\nQ4.1.j: -14/16\n"
                        "2.b:\n3 oops\n2.a: 5\n", "answers.txt")
    assert sheet.get("4.1.j").text == "-14/16"
    assert sheet.get("2.b").text == ""
    assert sheet.get("2.a").text == "5"
    assert any("line 6" in p for p in sheet.problems) and any("twice" in p for p in sheet.problems)
    multi = parse_sheet("2.a: [[1, 2],\n      [3, 4]]\n2.b: 7\n")
    assert evaluate(parse(multi.get("2.a").text).tree).shape == (2, 2) and multi.get("2.b").text == "7"


# -- every homework's answer sheet, end to end ---------------------------------------------------
@pytest.mark.parametrize("hw_id", SHEET_HOMEWORK)
def test_reference_sheet_scores_full_marks(hw_id):
    hw = answers_corpus.sheet_only(graders.load(hw_id))
    r = runner.grade(hw, [answers_corpus.ROOT / "reference" / hw_id / "answers.txt"])
    assert [(c.number, c.message) for c in r.checks if not c.passed] == []
    assert r.score == r.max_score > 0


@pytest.mark.parametrize("hw_id", SHEET_HOMEWORK)
def test_template_sheet_is_all_unanswered(hw_id):
    hw = answers_corpus.sheet_only(graders.load(hw_id))
    r = runner.grade(hw, [answers_corpus.ROOT / "student_template" / hw_id / "answers.txt"])
    assert {c.status for c in r.checks} == {"missing_answer"} and r.score == 0


CASES = [(h, c) for h in SHEET_HOMEWORK for c in answers_corpus.cases(h)]


@pytest.mark.parametrize("hw_id, case", CASES, ids=[f"{h}-{c.name}" for h, c in CASES])
def test_wrong_answer_loses_exactly_its_checks(hw_id, case, tmp_path):
    hw = answers_corpus.sheet_only(graders.load(hw_id))
    r = runner.grade(hw, [answers_corpus.build(hw_id, case, tmp_path / case.name)])
    failed = {c.number for c in r.checks if not c.passed}
    assert failed == case.fails
    by_number = {c.number: c for c in r.checks}
    for number in case.fails:
        assert by_number[number].status == "failed" and by_number[number].message
    for number, words in case.diagnosis.items():
        c = by_number[number]
        assert c.diagnosis and words in c.diagnosis, (c.message, c.diagnosis)


@pytest.mark.parametrize("hw_id", SHEET_HOMEWORK)
def test_every_answer_check_has_a_wrong_answer(hw_id):
    hw = graders.load(hw_id)
    assert answers_corpus.covered(hw_id) == {c.number for c in hw.checks if c.answers}


@pytest.mark.parametrize("hw_id", SHEET_HOMEWORK)
def test_kit_without_keys_checks_format_only(hw_id, monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_KIT", "1")
    hw = answers_corpus.sheet_only(graders.load(hw_id))
    r = runner.grade(hw, [answers_corpus.ROOT / "reference" / hw_id / "answers.txt"])
    assert {c.status for c in r.checks} == {"format_checked"} and r.score == 0
    assert all("Format checked only" in c.message and "no points" in c.message for c in r.checks)
    first = hw.checks[0].answers[0]
    bad = tmp_path / "answers.txt"
    bad.write_text(f"{first}: [1, 2\n", encoding="utf-8")
    r = runner.grade(hw, [bad])
    assert r.checks[0].status == "failed" and "cannot read the answer" in r.checks[0].message
