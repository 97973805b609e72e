"""Grading of every question type, partial credit and tampered answers."""

from __future__ import annotations

import pytest

from smmacademy.content.catalog import load_catalog
from smmacademy.content.questions import AnswerError, grade_quiz, presentations, read_answers

from .test_content_loader import tree  # noqa: F401 - fixture


@pytest.fixture
def questions(tree):  # noqa: F811
    module = load_catalog(tree).module("basics", "intro")
    return {q.id: q for q in module.questions}


def grade(question, answer):
    return question.kind.grade(question, answer).score


def test_single_choice_scores_only_the_right_option(questions):
    q = questions["intro-single"]
    assert grade(q, ["a"]) == 1.0
    assert grade(q, ["b"]) == 0.0


@pytest.mark.parametrize(
    "picked, expected",
    [
        (["a", "b", "d"], 1.0),
        (["a", "b"], 0.6667),
        (["a"], 0.3333),
        (["a", "b", "c"], 0.3333),  # a wrong pick costs as much as a right one earns
        (["a", "c"], 0.0),
        (["c"], 0.0),  # never below zero
        (["a", "b", "c", "d"], 0.6667),
    ],
)
def test_multiple_choice_gives_partial_credit_and_wrong_picks_cost(questions, picked, expected):
    assert grade(questions["intro-multiple"], picked) == expected


def test_true_false(questions):
    q = questions["intro-truefalse"]
    assert grade(q, False) == 1.0
    assert grade(q, True) == 0.0


@pytest.mark.parametrize(
    "typed, expected",
    [("3-4", 1.0), ("  3   TO 4 ", 1.0), ("3 - 4", 1.0), ("3\u20134 months", 1.0), ("4-3", 0.0), ("five", 0.0)],
)
def test_text_answer_ignores_case_spaces_and_dash_forms(questions, typed, expected):
    assert grade(questions["intro-text"], typed) == expected


def test_matching_scores_share_of_right_pairs(questions):
    q = questions["intro-matching"]
    assert grade(q, [0, 1, 2]) == 1.0
    assert grade(q, [1, 0, 2]) == 0.3333
    assert grade(q, [2, 0, 1]) == 0.0


def form(values: dict):
    return lambda name: values.get(name, [])


def complete_answers():
    return {
        "q-intro-single": ["a"],
        "q-intro-multiple": ["a", "b", "d"],
        "q-intro-truefalse": ["false"],
        "q-intro-text": ["3-4"],
        "q-intro-matching-0": ["0"],
        "q-intro-matching-1": ["1"],
        "q-intro-matching-2": ["2"],
    }


def test_complete_right_submission_scores_100(questions):
    qs = tuple(questions.values())
    score, grades = grade_quiz(qs, read_answers(qs, form(complete_answers())))
    assert score == 100.0
    assert all(g.correct for g in grades.values())


def test_quiz_score_is_mean_of_question_scores(questions):
    qs = tuple(questions.values())
    values = complete_answers() | {"q-intro-single": ["b"], "q-intro-multiple": ["a"]}
    score, _ = grade_quiz(qs, read_answers(qs, form(values)))
    assert score == round(100 * (0 + 0.3333 + 1 + 1 + 1) / 5, 1)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"q-intro-single": []}, "question 'intro-single' has no answer"),
        ({"q-intro-single": ["z"]}, "question 'intro-single' has no option 'z'"),
        ({"q-intro-single": ["a", "b"]}, "question 'intro-single' takes exactly one answer"),
        ({"q-intro-truefalse": ["maybe"]}, "takes 'true' or 'false'"),
        ({"q-intro-text": ["   "]}, "question 'intro-text' has no answer"),
        ({"q-intro-text": ["x" * 201]}, "longer than 200 characters"),
        ({"q-intro-matching-1": ["7"]}, "question 'intro-matching' has no item 7"),
        ({"q-intro-matching-2": ["two"]}, "has an invalid match"),
    ],
)
def test_tampered_or_incomplete_answers_are_refused_with_a_reason(questions, change, message):
    qs = tuple(questions.values())
    with pytest.raises(AnswerError) as error:
        read_answers(qs, form(complete_answers() | change))
    assert message in str(error.value)


def test_shuffle_is_repeatable_from_the_seed_and_differs_between_seeds(questions):
    qs = tuple(questions.values())
    assert presentations(qs, 42) == presentations(qs, 42)
    orders = {tuple(presentations(qs, seed)["intro-multiple"]["order"]) for seed in range(20)}
    assert len(orders) > 1
    assert all(sorted(order) == ["a", "b", "c", "d"] for order in orders)
