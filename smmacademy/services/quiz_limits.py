"""How a course's quiz settings meet a learner's attempts: the attempt count, the verdict and the review's reveal.

The rules themselves live in :mod:`smmacademy.domain.quiz_policy`; this module
reads what they need from the database. Storing an attempt within the limits
happens in :func:`smmacademy.services.learning.submit_quiz`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select

from ..content.catalog import Catalog, Module
from ..domain import quiz_policy
from ..extensions import db
from ..models import QuizAttempt, User
from ..models.base import utcnow


def restricted(settings: quiz_policy.QuizSettings) -> bool:
    """Whether attempts are limited or paced, so counting one must not race with another."""
    return settings.attempts is not None or bool(settings.cooldown)


def _of(user_id: int, course_slug: str, module_slug: str) -> tuple:
    """The conditions that pick one learner's attempts at one quiz."""
    return (
        QuizAttempt.user_id == user_id,
        QuizAttempt.course_slug == course_slug,
        QuizAttempt.module_slug == module_slug,
    )


def attempt_times(user_id: int, module: Module) -> list[datetime]:
    """When each of the learner's attempts at this quiz was submitted."""
    conditions = _of(user_id, module.course_slug, module.slug)
    return list(db.session.scalars(select(QuizAttempt.submitted_at).where(*conditions)))


def attempt_verdict(user: User, catalog: Catalog, module: Module) -> quiz_policy.AttemptVerdict:
    """May the learner start an attempt at this quiz now (the course's quiz settings)?"""
    settings = catalog.courses[module.course_slug].quiz_settings
    return quiz_policy.may_attempt(settings, attempt_times(user.id, module), utcnow())


def attempt_reveal(attempt: QuizAttempt, catalog: Catalog) -> quiz_policy.Reveal:
    """What the review of ``attempt`` may show, by its course's settings and the learner's attempts so far."""
    course = catalog.courses.get(attempt.course_slug)
    settings = course.quiz_settings if course else quiz_policy.DEFAULT_SETTINGS
    used, passed = db.session.execute(
        select(func.count(QuizAttempt.id), func.max(case((QuizAttempt.passed, 1), else_=0))).where(
            *_of(attempt.user_id, attempt.course_slug, attempt.module_slug)
        )
    ).one()
    return quiz_policy.reveal(settings, bool(passed), settings.attempts_left(used))
