"""Self-assessments: ratings in progress and submitted, scored results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class Assessment(db.Model):
    """One self-assessment: a draft while ``submitted_at`` is empty.

    ``result`` holds the scored outcome and ``framework`` the snapshot of the
    framework it was scored against, so later edits never rewrite it.
    """

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_user_submitted", "user_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)
    framework_version: Mapped[int]
    framework: Mapped[dict | None] = mapped_column(JSON)
    result: Mapped[dict | None] = mapped_column(JSON)
    best_profile: Mapped[str | None] = mapped_column(String(64))
    best_band: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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
