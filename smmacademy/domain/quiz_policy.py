"""A course's quiz settings and the two rules they drive: who may start an attempt, and what a review reveals.

Authors set them in ``course.md`` (content/quiz_settings.py reads and checks
them); the service counts attempts and enforces :func:`may_attempt` inside
its transaction, the review page asks :func:`reveal`. The review options
follow Moodle's: "whether correct" (which questions were right or wrong) is
always shown, the "right answer" and the explanations (which give the right
answer away) only when the policy allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

NEVER = "never"
AFTER_PASSING = "after_passing"
AFTER_LAST_ATTEMPT = "after_last_attempt"
SHOW_ANSWERS = (NEVER, AFTER_PASSING, AFTER_LAST_ATTEMPT)

ALLOWED = "allowed"
NO_ATTEMPTS_LEFT = "no_attempts_left"
COOLING_DOWN = "cooling_down"


@dataclass(frozen=True)
class QuizSettings:
    """How a course's quizzes may be taken; the defaults are unlimited attempts, no pause, answers after passing."""

    attempts: int | None = None  # attempts allowed per quiz; None = unlimited
    cooldown: timedelta = timedelta(0)  # least time between two attempts at the same quiz
    show_answers: str = AFTER_PASSING

    def attempts_left(self, used: int) -> int | None:
        """How many attempts remain after ``used`` of them; None when unlimited."""
        return None if self.attempts is None else max(0, self.attempts - used)


DEFAULT_SETTINGS = QuizSettings()


@dataclass(frozen=True)
class AttemptVerdict:
    """Whether a new attempt may start now, its number and when the next one opens."""

    status: str
    number: int  # the number the next attempt would get (1-based)
    limit: int | None
    available_at: datetime | None = None  # end of the pause, while cooling down

    @property
    def allowed(self) -> bool:
        """True when an attempt may start (and be submitted) now."""
        return self.status == ALLOWED


def may_attempt(settings: QuizSettings, attempts: Sequence[datetime], now: datetime) -> AttemptVerdict:
    """May a learner with these earlier attempts (their submission times) start another one at ``now``?"""
    number = len(attempts) + 1
    if settings.attempts is not None and len(attempts) >= settings.attempts:
        return AttemptVerdict(NO_ATTEMPTS_LEFT, number, settings.attempts)
    if attempts and settings.cooldown:
        available_at = max(attempts) + settings.cooldown
        if now < available_at:
            return AttemptVerdict(COOLING_DOWN, number, settings.attempts, available_at)
    return AttemptVerdict(ALLOWED, number, settings.attempts)


@dataclass(frozen=True)
class Reveal:
    """What a review of an attempt shows beyond the learner's own answers and the score."""

    whether_correct: bool  # right, partly right or wrong per question
    right_answer: bool  # the correct options, accepted answers and matches
    explanation: bool  # the author's explanation, which names the right answer


def reveal(settings: QuizSettings, passed: bool, attempts_left: int | None) -> Reveal:
    """What to show in a review, given whether the learner has passed this quiz and how many attempts remain.

    ``after_passing`` shows the right answers once any attempt passed;
    ``after_last_attempt`` once no attempt is left, passed or not; ``never``
    keeps them hidden. Which questions were right or wrong is always shown.
    Explanations follow the right answers, because they state them.
    """
    if settings.show_answers == AFTER_PASSING:
        shown = passed
    elif settings.show_answers == AFTER_LAST_ATTEMPT:
        shown = attempts_left == 0
    else:
        shown = False
    return Reveal(whether_correct=True, right_answer=shown, explanation=shown)
