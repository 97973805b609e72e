"""Typed answers: normalisation (property-based) and the cases reported in issue 21."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smmacademy.content.answers import DASHES, answers_match, normalise_answer
from smmacademy.content.questions import Question, TextAnswer

ALPHABET = st.sampled_from(list("ab5 0,.-ёЁе«»\"'!?%") + list(DASHES) + ["to", " from ", "hours", "до", "от", "three"])
TEXTS = st.lists(ALPHABET, max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_normalising_twice_changes_nothing(text):
    once = normalise_answer(text)
    assert normalise_answer(once) == once


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.sampled_from(list(DASHES)))
def test_every_dash_character_normalises_the_same(text, dash):
    swapped = "".join(dash if c in DASHES else c for c in text)
    assert normalise_answer(swapped) == normalise_answer(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 10_000), st.sampled_from(list(DASHES)), st.sampled_from(["", " ", "  "]))
def test_a_range_matches_whatever_dash_and_spacing(low, high, dash, space):
    assert answers_match(f"{low}{space}{dash}{space}{high}", f"{low}-{high}")
    assert answers_match(f"from {low} to {high}", f"{low}{dash}{high}")


@settings(max_examples=200, deadline=None)
@given(st.integers(1000, 999_999))
def test_thousands_separators_do_not_matter(number):
    grouped = f"{number:,}"
    assert answers_match(grouped, str(number))
    assert answers_match(grouped.replace(",", " "), str(number))
    assert answers_match(grouped.replace(",", "\u00a0"), str(number))


@pytest.mark.parametrize(
    "accepted, typed",
    [
        ("5-20", "5-20 hours"),  # issue 21: the unit was rejected
        ("5-20 hours", "5 – 20"),
        ("5-20 hours", "5 to 20 hours"),
        ("5-20 hours", "from 5 to 20"),
        ("5-20 hours", "5–20 hours"),
        ("5-20 hours", "от 5 до 20"),
        ("5-20 hours", "5-20 часов"),
        ("5-20 hours a week", "5 - 20 hours per week"),
        ("3-4", "3\u20134"),  # issue 21: the en dash was rejected
        ("3-4", "3 \u2014 4"),
        ("3-4", "three to four"),
        ("3-4 months", "3-4"),
        ("1-2 months", "1-2 months"),  # issue 21
        ("1-2 months", "1\u20132 months"),
        ("1-2 months", "from 1 to 2 months"),
        ("1-2 months", "1-2 месяца"),
        ("60000", "60 000"),
        ("60000", "60,000"),
        ("60 000", "60000"),
        ("20%", "20 %"),
        ("20%", "20 percent"),
        ("Content plan", "  content   PLAN. "),
        ("ёмкость", "Емкость"),
        ("«Lesnaya Polka»", '"lesnaya polka"'),
        ("e-mail", "e\u2011mail"),
    ],
)
def test_common_forms_of_the_same_answer_are_accepted(accepted, typed):
    assert answers_match(typed, accepted)


@pytest.mark.parametrize(
    "accepted, typed",
    [
        ("5-20 hours", "5-20 days"),  # a different unit is a different answer
        ("5-20", "5-21"),
        ("3-4", "4-3"),
        ("3-4", "3"),
        ("60000", "6000"),
        ("Content plan", "Media plan"),
    ],
)
def test_different_answers_are_still_rejected(accepted, typed):
    assert not answers_match(typed, accepted)


def test_the_text_question_grades_through_the_normaliser():
    question = Question(id="q", type="text", prompt="p", explanation="e", answers=("5-20 hours",))
    assert TextAnswer().grade(question, "от 5 до 20").score == 1.0
    assert TextAnswer().grade(question, "5-20 days").score == 0.0
