"""Reading a learner's records: progress rows, attempts, certificates, the latest self-assessment.

Read-only, so that what reacts to learning (plans, the home page, dashboards)
can read it without importing services.learning, which records learning and
calls those reactions (plans.after_module_done).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Row, select

from ..content.catalog import Catalog, Module
from ..domain.progress import by_module, completed_course_slugs
from ..extensions import db
from ..models import Assessment, Certificate, ModuleProgress, QuizAttempt


def progress_rows(user_id: int, courses: Collection[str] | None = None) -> dict[tuple[str, str], ModuleProgress]:
    """A learner's progress rows keyed by (course, module) — one query; only ``courses`` when given.

    A page about one course asks only for it and its prerequisites: a learner's
    whole history would otherwise be loaded on every module view.
    """
    if courses is None:
        rows = db.session.scalars(ModuleProgress.for_user(user_id))
    else:
        parameters = {"user_id": user_id, "courses": sorted(courses)}
        rows = db.session.scalars(ModuleProgress.for_user_in_courses(), parameters)
    return by_module(rows)


def completed_courses(catalog: Catalog, rows) -> set[str]:
    """Slugs of courses whose every current module is done."""
    return completed_course_slugs(catalog.courses.values(), rows)


def certificates_for(user_id: int) -> list[Certificate]:
    """A learner's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.issued_at.desc())
        )
    )


def recent_attempts(user_id: int, limit: int = 5) -> list[Row]:
    """Summaries (``QuizAttempt.summary_columns``) of a learner's latest quiz attempts."""
    return list(db.session.execute(QuizAttempt.recent_summaries(limit), {"user_id": user_id}))


def latest_assessment(user_id: int) -> Assessment | None:
    """A learner's latest submitted self-assessment."""
    return db.session.scalars(Assessment.history_for(user_id).limit(1)).first()


def certificate_of(user_id: int, course_slug: str) -> Certificate | None:
    """A learner's certificate for one course, or None."""
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.course_slug == course_slug)
    )


def module_attempts(user_id: int, course_slug: str, module_slug: str, limit: int = 10) -> list[Row]:
    """Summaries (``QuizAttempt.summary_columns``) of a learner's latest attempts at one module's quiz."""
    parameters = {"user_id": user_id, "course_slug": course_slug, "module_slug": module_slug}
    return list(db.session.execute(QuizAttempt.summaries_for_module(limit), parameters))


def page_attempts(user_id: int, module: Module, progress: ModuleProgress | None) -> list[Row]:
    """The attempts a module page lists; none, and no query, when the learner's progress row counts none.

    Every stored attempt is counted on the progress row in the same transaction
    (``submit_quiz``, demo activity), so a row read in this request is enough to know.
    """
    if not module.has_quiz or progress is None or not progress.attempts:
        return []
    return module_attempts(user_id, module.course_slug, module.slug)


def attempt_by_id(attempt_id: int) -> QuizAttempt | None:
    """One quiz attempt, or None."""
    return db.session.get(QuizAttempt, attempt_id)
