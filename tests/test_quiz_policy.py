"""The quiz policy rules, without Flask: who may start an attempt, and what a review reveals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from smmacademy.domain.quiz_policy import (
    AFTER_LAST_ATTEMPT,
    AFTER_PASSING,
    ALLOWED,
    COOLING_DOWN,
    DEFAULT_SETTINGS,
    NEVER,
    NO_ATTEMPTS_LEFT,
    QuizSettings,
    may_attempt,
    reveal,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_the_defaults_allow_unlimited_attempts_without_a_pause_and_show_answers_after_passing():
    assert QuizSettings(None, timedelta(0), AFTER_PASSING) == DEFAULT_SETTINGS
    many = [NOW - timedelta(seconds=n) for n in range(50)]
    verdict = may_attempt(DEFAULT_SETTINGS, many, NOW)
    assert (verdict.status, verdict.number, verdict.limit, verdict.available_at) == (ALLOWED, 51, None, None)
    assert DEFAULT_SETTINGS.attempts_left(50) is None


def test_a_limit_counts_attempts_and_refuses_the_one_beyond_it():
    settings = QuizSettings(attempts=3)
    assert may_attempt(settings, [], NOW).number == 1
    second = may_attempt(settings, [NOW - timedelta(days=1)], NOW)
    assert (second.allowed, second.number, second.limit) == (True, 2, 3)
    third = may_attempt(settings, [NOW - timedelta(days=2), NOW - timedelta(days=1)], NOW)
    assert (third.allowed, third.number) == (True, 3)
    fourth = may_attempt(settings, [NOW - timedelta(days=3)] * 3, NOW)
    assert (fourth.allowed, fourth.status) == (False, NO_ATTEMPTS_LEFT)
    assert [settings.attempts_left(n) for n in range(5)] == [3, 2, 1, 0, 0]


def test_a_cooldown_starts_at_the_latest_attempt_and_ends_exactly_on_time():
    settings = QuizSettings(cooldown=timedelta(minutes=30))
    latest = NOW - timedelta(minutes=10)
    waiting = may_attempt(settings, [NOW - timedelta(hours=5), latest], NOW)
    assert (waiting.status, waiting.available_at, waiting.number) == (COOLING_DOWN, latest + timedelta(minutes=30), 3)
    assert may_attempt(settings, [latest], latest + timedelta(minutes=30)).allowed
    assert not may_attempt(settings, [latest], latest + timedelta(minutes=29, seconds=59)).allowed
    assert may_attempt(settings, [], NOW).allowed  # the first attempt never waits


def test_no_attempts_left_wins_over_a_running_cooldown():
    settings = QuizSettings(attempts=1, cooldown=timedelta(hours=1))
    assert may_attempt(settings, [NOW], NOW).status == NO_ATTEMPTS_LEFT


@pytest.mark.parametrize(
    ("show", "passed", "left", "shown"),
    [
        (AFTER_PASSING, False, None, False),  # the default: a failed attempt shows only right/wrong
        (AFTER_PASSING, True, None, True),
        (AFTER_PASSING, False, 0, False),  # out of attempts but never passed: still hidden
        (AFTER_LAST_ATTEMPT, False, 1, False),
        (AFTER_LAST_ATTEMPT, True, 1, False),  # passed with attempts left: still waits for the last
        (AFTER_LAST_ATTEMPT, False, 0, True),
        (NEVER, True, 0, False),
    ],
)
def test_reveal_shows_right_answers_and_explanations_only_as_the_policy_says(show, passed, left, shown):
    settings = QuizSettings(attempts=None if left is None else 3, show_answers=show)
    result = reveal(settings, passed, left)
    assert result.whether_correct is True  # which questions were wrong is always shown
    assert (result.right_answer, result.explanation) == (shown, shown)
