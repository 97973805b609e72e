"""The mail outbox, notification opt-outs and password-reset tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow

STATUS_QUEUED = "queued"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
STATUSES = (STATUS_QUEUED, STATUS_SENT, STATUS_FAILED)


class OutboxMessage(db.Model):
    """One email, queued until an SMTP server accepted it.

    ``event_key`` names the event the message is about (``due7:12:2026-12-31``);
    its unique constraint is what makes every notification exactly-once, even
    when two workers or two cron runs queue the same event at the same moment.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # [{"filename", "mimetype", "content"}] (text attachments only: the .ics).
    attachments: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    status: Mapped[str] = mapped_column(String(10), default=STATUS_QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @staticmethod
    def listing(status: str = "", kind: str = ""):
        """Statement for the admin outbox, newest first."""
        stmt = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        if status:
            stmt = stmt.where(OutboxMessage.status == status)
        if kind:
            stmt = stmt.where(OutboxMessage.kind == kind)
        return stmt

    @staticmethod
    def due(now: datetime, limit: int):
        """Statement: ids of queued messages whose next attempt is due, oldest first."""
        return (
            select(OutboxMessage.id)
            .where(OutboxMessage.status == STATUS_QUEUED, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )


class NotificationOptOut(db.Model):
    """A kind of notification one person turned off (absence = on)."""

    __tablename__ = "notification_optouts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)


class PasswordResetToken(db.Model):
    """A self-service password-reset link: only the SHA-256 of its random part is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
