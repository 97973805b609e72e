"""External candidates assessed by HR through a private link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

STATUSES = ("invited", "started", "submitted", "reviewed", "shortlisted", "rejected", "hired")
HR_DECISIONS = ("reviewed", "shortlisted", "rejected", "hired")


class Candidate(db.Model):
    """A person applying for an SMM position; never an account until hired."""

    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    profile_id: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    # Language of the invitation: the whole candidate flow is shown in it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    status: Mapped[str] = mapped_column(String(20), default="invited", index=True)
    # Only a SHA-256 of the invitation token is stored.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_minutes: Mapped[int | None]
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    test_question_ids: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    test_seed: Mapped[int | None]
    # The drawn questions as the candidate sees them (content/snapshot.py), fixed at the start.
    test_snapshot: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    test_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the server closed the test because its time limit (plus grace) ran out.
    test_expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    test_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    test_answers: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # Answers saved while the test is open ("Save"): form field -> values, graded only on submission.
    test_draft: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    test_grades: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    test_score: Mapped[float | None]
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hired_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    events = relationship(
        "CandidateEvent", cascade="all, delete-orphan", order_by="CandidateEvent.created_at.desc()", lazy="selectin"
    )

    @staticmethod
    def listing(status: str = "", profile_id: str = ""):
        """Statement for the HR list, newest first."""
        stmt = select(Candidate).order_by(Candidate.created_at.desc(), Candidate.id.desc())
        if status:
            stmt = stmt.where(Candidate.status == status)
        if profile_id:
            stmt = stmt.where(Candidate.profile_id == profile_id)
        return stmt


class CandidateEvent(db.Model):
    """A note or a status change on a candidate, with who and when."""

    __tablename__ = "candidate_events"
    __table_args__ = (Index("ix_candidate_events_candidate", "candidate_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User", lazy="joined")


class AuditLog(db.Model):
    """What happened, by whom, without personal data of the subject."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LinkAttempt(db.Model):
    """An invalid invitation link opened from an address (for throttling guessing)."""

    __tablename__ = "link_attempts"
    __table_args__ = (Index("ix_link_attempts_address_time", "address", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
