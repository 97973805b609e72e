"""Learning records: module progress, quiz attempts and certificates.

Content is referred to by stable slugs and question ids, never by database
ids, so editing or deleting a file in ``courses/`` never breaks old records.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class ModuleProgress(db.Model):
    """One learner's state in one module."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    module_slug: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quiz_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    best_score: Mapped[float | None]
    latest_score: Mapped[float | None]
    attempts: Mapped[int] = mapped_column(default=0)

    @staticmethod
    def for_user(user_id: int, course_slug: str | None = None):
        """Statement for a learner's progress rows, optionally in one course."""
        stmt = select(ModuleProgress).where(ModuleProgress.user_id == user_id)
        if course_slug:
            stmt = stmt.where(ModuleProgress.course_slug == course_slug)
        return stmt

    @staticmethod
    @cache
    def for_user_in_courses():
        """Statement: a learner's rows in some courses (bound parameters ``user_id`` and ``courses``, a list).

        Every module and course page runs it; built once, it is compiled once too
        (see ``UserSession.by_token_hash``).
        """
        return select(ModuleProgress).where(
            ModuleProgress.user_id == bindparam("user_id"),
            ModuleProgress.course_slug.in_(bindparam("courses", expanding=True)),
        )


class QuizAttempt(db.Model):
    """One submitted quiz attempt with its answers and the seed of its shuffle."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_user_module", "user_id", "course_slug", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The nonce handed out with the quiz form: a resubmission finds the row.
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    module_slug: Mapped[str] = mapped_column(String(100))
    seed: Mapped[int]
    answers: Mapped[dict] = mapped_column(JSON)
    grades: Mapped[dict] = mapped_column(JSON)
    # The questions as the learner saw them (content/snapshot.py); the review
    # renders from here, never from the live catalog. Empty for old attempts.
    questions: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    score: Mapped[float]
    pass_mark: Mapped[int]
    passed: Mapped[bool]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @staticmethod
    @cache
    def summaries_for_module(limit: int = 10):
        """Statement: a learner's latest ``limit`` attempts at one quiz, newest first, as summary rows.

        Bound parameters ``user_id``, ``course_slug``, ``module_slug``. Only what a
        list shows (id, course, module, score, passed, submitted): the answers, grades
        and question snapshot are JSON a list never reads. Built once, compiled once.
        """
        return (
            select(*QuizAttempt.summary_columns())
            .where(
                QuizAttempt.user_id == bindparam("user_id"),
                QuizAttempt.course_slug == bindparam("course_slug"),
                QuizAttempt.module_slug == bindparam("module_slug"),
            )
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
            .limit(limit)
        )

    @staticmethod
    @cache
    def recent_summaries(limit: int = 5):
        """Statement: a learner's (bound parameter ``user_id``) latest ``limit`` attempts, as summary rows."""
        return (
            select(*QuizAttempt.summary_columns())
            .where(QuizAttempt.user_id == bindparam("user_id"))
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
            .limit(limit)
        )

    @staticmethod
    def summary_columns() -> tuple:
        """The columns an attempt list shows."""
        return (
            QuizAttempt.id,
            QuizAttempt.course_slug,
            QuizAttempt.module_slug,
            QuizAttempt.score,
            QuizAttempt.passed,
            QuizAttempt.submitted_at,
        )


class Certificate(db.Model):
    """Issued when a learner completes every module of a course."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    # Snapshots: the certificate reads the same after the course is renamed.
    course_title: Mapped[str] = mapped_column(String(300))
    holder_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Revocation by an admin: the certificate stays on record, its Open Badges
    # credential's bit in the status list is set (the list index is the id).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(String(300))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
