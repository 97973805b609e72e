"""Self-assessments: ratings in progress and submitted, scored results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.results import AssessmentResult
from ..extensions import db
from .base import UTCDateTime, utcnow


class Assessment(db.Model):
    """One self-assessment: a draft while ``submitted_at`` is empty.

    ``result`` holds the scored outcome and ``framework`` the snapshot of the
    framework it was scored against, so later edits never rewrite it. Ratings
    live one row per statement (:class:`AssessmentRating`), so pages saved at
    the same time never overwrite each other's ratings.
    """

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_user_submitted", "user_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # A candidate has one assessment: the unique index lets parallel first visits agree on it.
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True, unique=True
    )
    framework_version: Mapped[int]
    framework: Mapped[dict | None] = mapped_column(JSON)
    result: Mapped[dict | None] = mapped_column(JSON)
    best_profile: Mapped[str | None] = mapped_column(String(64))
    best_band: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    rating_rows: Mapped[list[AssessmentRating]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin", order_by="AssessmentRating.id"
    )

    @property
    def outcome(self) -> AssessmentResult | None:
        """The stored result as a typed value (None while a draft)."""
        return AssessmentResult.from_json(self.result) if self.result else None

    @property
    def ratings(self) -> dict[str, int]:
        """Statement id -> rating (1-5) of every statement rated so far."""
        return {row.statement_id: row.value for row in self.rating_rows}

    @ratings.setter
    def ratings(self, values: dict[str, int]) -> None:
        # Update rows in place: deleting and re-inserting one statement in a
        # single flush would trip the (assessment, statement) unique constraint.
        current = {row.statement_id: row for row in self.rating_rows}
        for statement_id, row in current.items():
            if statement_id not in values:
                self.rating_rows.remove(row)
        for statement_id, value in values.items():
            if statement_id in current:
                current[statement_id].value = value
            else:
                self.rating_rows.append(AssessmentRating(statement_id=statement_id, value=value))

    @staticmethod
    def draft_for(user_id: int):
        """Statement for the learner's unfinished assessment, if any."""
        return select(Assessment).where(Assessment.user_id == user_id, Assessment.submitted_at.is_(None))

    @staticmethod
    def history_for(user_id: int):
        """Statement for the learner's submitted assessments, newest first."""
        return (
            select(Assessment)
            .where(Assessment.user_id == user_id, Assessment.submitted_at.is_not(None))
            .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        )

    @staticmethod
    def for_candidate(candidate_id: int):
        """Statement for a candidate's assessment (draft or submitted)."""
        return select(Assessment).where(Assessment.candidate_id == candidate_id).order_by(Assessment.id.desc())


class AssessmentRating(db.Model):
    """One statement's rating in one assessment (saved with an upsert, never read-modify-write)."""

    __tablename__ = "assessment_ratings"
    __table_args__ = (UniqueConstraint("assessment_id", "statement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[int]
