"""Trainings assigned to people, by a manager or automatically (onboarding)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow

KIND_COURSE = "course"
KIND_ASSESSMENT = "assessment"
SOURCE_MANAGER = "manager"
SOURCE_ONBOARDING = "onboarding"


class Assignment(db.Model):
    """A course or the self-assessment assigned to one person.

    Completion is not stored here: it is derived from progress, so it can
    never disagree with what the learner actually did.
    """

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_user_open", "user_id", "withdrawn_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=KIND_COURSE)
    course_slug: Mapped[str | None] = mapped_column(String(100))
    # A subset of the course's modules (department onboarding); None = all.
    module_slugs: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    due_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_MANAGER)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @staticmethod
    def open_for(user_id: int):
        """Statement for a person's assignments that were not withdrawn."""
        return (
            select(Assignment)
            .where(Assignment.user_id == user_id, Assignment.withdrawn_at.is_(None))
            .order_by(Assignment.due_date.is_(None), Assignment.due_date, Assignment.id)
        )
