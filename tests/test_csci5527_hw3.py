"""CSCI 5527 HW3 P2-P3 graded end to end: reference, template, and one buggy submission per
mistake, each losing exactly the checks it should."""
from __future__ import annotations

import json

import numpy as np
import pytest

import answers_corpus
import corpus
import graders
from graders.core import render, runner
from graders.csci5527_hw3 import problem2, problem3

HW = graders.load("csci5527_hw3")
ALL = {c.number for c in HW.checks}


@pytest.fixture(scope="module")
def reference_result():
    return runner.grade(HW, [corpus.ROOT / "reference" / "csci5527_hw3"])


def test_reference_scores_full_marks(reference_result):
    r = reference_result
    assert [c.number for c in r.checks if not c.passed] == []
    assert r.score == r.max_score == 8.5
    assert r.max_score + r.manual_points == 15  # the homework's total


def test_template_scores_zero_without_crashing():
    r = runner.grade(HW, [corpus.ROOT / "student_template" / "csci5527_hw3"])
    assert r.score == 0
    sheet = {c.number for c in HW.checks if c.answers}
    assert {c.status for c in r.checks if c.number not in sheet} == {"not_implemented"}
    assert all("not implemented" in c.message for c in r.checks if c.number not in sheet)
    assert {c.status for c in r.checks if c.number in sheet} == {"missing_answer"}
    assert [h for h in r.harness if not h.startswith("Isolation:")] == []


@pytest.mark.parametrize("mutant", corpus.mutants("csci5527_hw3"), ids=lambda m: m.name)
def test_buggy_submission_loses_exactly_its_checks(mutant, tmp_path):
    sub = corpus.build_mutant("csci5527_hw3", mutant, tmp_path / mutant.name)
    r = runner.grade(HW, [sub])
    failed = {c.number for c in r.checks if not c.passed}
    assert failed == mutant.fails
    assert r.score == pytest.approx(sum(c.points for c in HW.checks if c.number not in mutant.fails))
    by_number = {c.number: c for c in r.checks}
    for number, words in mutant.diagnosis.items():
        c = by_number[number]
        assert c.diagnosis and words in c.diagnosis, (c.message, c.diagnosis)
    for number in mutant.fails:
        c = by_number[number]
        # a failure shows the input it failed on (shrunk) and is not blamed on the grader
        assert c.inputs, c.message
        assert c.status in ("failed", "error")


def test_every_check_has_a_buggy_submission():
    covered = set().union(*(m.fails for m in corpus.mutants("csci5527_hw3")))
    covered |= answers_corpus.covered("csci5527_hw3")  # wrong answer sheets, tests/test_answers.py
    assert covered == ALL


def test_grading_twice_gives_identical_results(reference_result, tmp_path):
    sub = tmp_path / "sub"
    corpus.build_mutant("csci5527_hw3", corpus.mutants("csci5527_hw3")[0], sub)
    runs = []
    for _ in range(2):
        d = runner.grade(HW, [sub]).to_gradescope()
        d.pop("execution_time")
        runs.append(json.dumps(d, sort_keys=True))
    assert runs[0] == runs[1]


def test_results_json_is_gradescope_shaped(reference_result):
    d = json.loads(render.gradescope_json(reference_result))
    assert isinstance(d["execution_time"], (int, float)) and isinstance(d["score"], (int, float))
    numbers = [t["number"] for t in d["tests"]]
    assert set(numbers) >= ALL | {m.number for m in HW.manual}
    for t in d["tests"]:
        assert set(t) <= {"score", "max_score", "status", "name", "number", "output", "tags", "visibility"}
        assert isinstance(t["score"], (int, float)) and isinstance(t["max_score"], (int, float))
        assert t["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
    assert sum(t["score"] for t in d["tests"]) == pytest.approx(d["score"])


def test_scorecard_shows_counterexample_and_diagnosis(tmp_path):
    m = next(m for m in corpus.mutants("csci5527_hw3") if m.name == "e_no_sqrt")
    r = runner.grade(HW, [corpus.build_mutant("csci5527_hw3", m, tmp_path / "s")])
    page = render.html(r)
    assert "no square root" in page and "data:image/png;base64," in page  # large arrays as images
    assert "<table" in page and 'name="viewport"' in page
    assert "http://" not in page and "https://" not in page  # self-contained
    text = render.terminal(r, verbose=True)
    assert "2.e" in text and "Likely mistake: no square root" in text


# -- the oracles: two independent sources that agree ---------------------------------------------
def test_homework_worked_value_and_convention():
    np.testing.assert_array_equal(problem2.oracle_corr1d([3, 2, 1], [4, 6, 3, 9]), [4, 14, 27, 33, 27, 27])


def test_jacobian_oracles_agree():
    rng = np.random.default_rng(0)
    for m, n in [(1, 1), (3, 4), (5, 2)]:
        w, x = rng.normal(size=m), rng.normal(size=n)
        J = problem2.oracle_jacobian_closed_form(w, x)
        np.testing.assert_allclose(J, problem2.oracle_jacobian_autograd(w, x), atol=1e-12)
        np.testing.assert_allclose(J @ w, problem2.oracle_corr1d(w, x), atol=1e-12)  # w⋆x = C_x w


def test_multichannel_oracle_is_sum_of_scipy_correlations():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(2, 3, 4)), rng.normal(size=(5, 4, 4))
    want = sum(problem2.oracle_corr2d(X[:, :, d], Y[:, :, d]) for d in range(4))
    np.testing.assert_allclose(problem2.oracle_multichannel(X, Y), want, atol=1e-12)


@pytest.mark.parametrize("kind", ["batch", "layer", "instance"])
def test_norm_closed_form_agrees_with_torch(kind):
    T = problem3._tensor(3, (3, 4, 5, 2))
    assert problem3.rel_error(problem3.closed_form(T, problem3.AXES[kind]), problem3.torch_norm(kind, T)) < 1e-9


def test_unbiased_variance_is_caught_at_small_shapes_not_at_the_homework_shape():
    # Why P3 draws small shapes: the tolerance cannot see ddof=1 at 50x50x64x64.
    small = problem3._tensor(0, (2, 2, 3, 2))
    assert problem3.rel_error(problem3.closed_form(small, (0, 1, 3), ddof=1),
                              problem3.closed_form(small, (0, 1, 3))) > 100 * problem3.TOL
    m = 50 * 50 * 64
    assert 1 / (2 * m) < problem3.TOL


@pytest.mark.parametrize("kind", ["batch", "layer", "instance"])
def test_norm_closed_form_agrees_with_torch_at_the_homework_shape(kind):
    # Grading skips torch on this 10.2M-value tensor to save memory; here it is cross-checked.
    T = problem3.big_tensor()
    assert T.size > problem3.TORCH_CROSS_CHECK_MAX
    assert problem3.rel_error(problem3.closed_form(T, problem3.AXES[kind]), problem3.torch_norm(kind, T)) < 1e-9
