"""Grading of every question type, partial credit and tampered answers."""

from __future__ import annotations

import pytest

from smmacademy.content.catalog import load_catalog
from smmacademy.content.questions import InvalidAnswer, MissingAnswer, presentations
from smmacademy.domain.grading import (
    BLANK_IS_ERROR,
    BLANK_SCORES_ZERO,
    AnswersRejected,
    UnknownFields,
    grade_quiz,
    grade_submission,
    read_answers,
)

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
    score, grades = grade_quiz(qs, read_answers(qs, form(complete_answers()), BLANK_IS_ERROR))
    assert score == 100.0
    assert all(g.correct for g in grades.values())


def test_quiz_score_is_mean_of_question_scores(questions):
    qs = tuple(questions.values())
    values = complete_answers() | {"q-intro-single": ["b"], "q-intro-multiple": ["a"]}
    score, _ = grade_quiz(qs, read_answers(qs, form(values), BLANK_IS_ERROR))
    assert score == round(100 * (0 + 0.3333 + 1 + 1 + 1) / 5, 1)


@pytest.mark.parametrize(
    "change, error_type, message",
    [
        ({"q-intro-single": []}, MissingAnswer, "question 'intro-single' has no answer"),
        ({"q-intro-single": ["z"]}, InvalidAnswer, "question 'intro-single' has no option 'z'"),
        ({"q-intro-single": ["a", "b"]}, InvalidAnswer, "question 'intro-single' takes exactly one answer"),
        ({"q-intro-truefalse": ["maybe"]}, InvalidAnswer, "takes 'true' or 'false'"),
        ({"q-intro-text": ["   "]}, MissingAnswer, "question 'intro-text' has no answer"),
        ({"q-intro-text": ["x" * 201]}, InvalidAnswer, "longer than 200 characters"),
        ({"q-intro-matching-1": []}, MissingAnswer, "question 'intro-matching': item 2 is not matched"),
        ({"q-intro-matching-1": ["7"]}, InvalidAnswer, "question 'intro-matching' has no item 7"),
        ({"q-intro-matching-2": ["two"]}, InvalidAnswer, "has an invalid match"),
    ],
)
def test_tampered_or_incomplete_answers_are_refused_with_a_typed_reason(questions, change, error_type, message):
    qs = tuple(questions.values())
    with pytest.raises(AnswersRejected) as error:
        read_answers(qs, form(complete_answers() | change), BLANK_IS_ERROR)
    [problem] = error.value.problems
    assert type(problem) is error_type
    assert problem.question_id in {q.id for q in qs}
    assert next(iter(change)).startswith(f"q-{problem.question_id}")
    assert message in str(problem)
    assert message in str(error.value)


def test_blank_is_error_lists_every_blank_question_in_order(questions):
    qs = tuple(questions.values())
    values = complete_answers() | {"q-intro-single": [], "q-intro-text": [""]}
    with pytest.raises(AnswersRejected) as error:
        read_answers(qs, form(values), BLANK_IS_ERROR)
    assert [(type(p), p.question_id) for p in error.value.problems] == [
        (MissingAnswer, "intro-single"),
        (MissingAnswer, "intro-text"),
    ]


def test_blank_scores_zero_leaves_blanks_out_and_grades_them_zero(questions):
    qs = tuple(questions.values())
    values = complete_answers() | {"q-intro-single": [], "q-intro-matching-0": [""]}
    answers = read_answers(qs, form(values), BLANK_SCORES_ZERO)
    assert "intro-single" not in answers and "intro-matching" not in answers
    assert answers["intro-text"] == "3-4"
    score, grades = grade_quiz(qs, answers)
    assert grades["intro-single"].score == 0.0 and grades["intro-single"].detail == {"blank": True}
    assert grades["intro-matching"].score == 0.0
    assert score == 60.0


def test_blank_scores_zero_still_refuses_an_invalid_answer(questions):
    qs = tuple(questions.values())
    values = complete_answers() | {"q-intro-single": [], "q-intro-multiple": ["zz"]}
    with pytest.raises(AnswersRejected) as error:
        read_answers(qs, form(values), BLANK_SCORES_ZERO)
    [problem] = error.value.problems
    assert isinstance(problem, InvalidAnswer) and problem.question_id == "intro-multiple"
    assert problem.reason == "question 'intro-multiple' has no option 'zz'"


def test_grade_submission_refuses_unknown_question_fields(questions):
    qs = tuple(questions.values())
    names = set(complete_answers()) | {"q-intro-matching-9", "q-other", "csrf_token"}
    with pytest.raises(UnknownFields) as error:
        grade_submission(qs, names, form(complete_answers()), BLANK_IS_ERROR)
    assert error.value.names == ("q-intro-matching-9", "q-other")
    graded = grade_submission(qs, set(complete_answers()), form(complete_answers()), BLANK_IS_ERROR)
    assert graded.score == 100.0
    assert graded.scores == {q.id: 1.0 for q in qs}


def test_shuffle_is_repeatable_from_the_seed_and_differs_between_seeds(questions):
    qs = tuple(questions.values())
    assert presentations(qs, 42) == presentations(qs, 42)
    orders = {tuple(presentations(qs, seed)["intro-multiple"]["order"]) for seed in range(20)}
    assert len(orders) > 1
    assert all(sorted(order) == ["a", "b", "c", "d"] for order in orders)
