"""Accounts at an OpenID Connect provider linked to a local account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class UserIdentity(db.Model):
    """One (issuer, subject) pair that signs a person in.

    A separate table rather than columns on ``users``: a subject is unique only
    within its issuer, a person may sign in through several providers (or a
    migration from one directory to another), and the users table stays as it
    is for the engineers who edit it in parallel. ``managed`` marks accounts the
    provider created: their role and department follow the directory's claims
    at every sign-in, while a linked pre-existing account keeps what an
    administrator gave it.
    """

    __tablename__ = "user_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_user_identities_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    managed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")

    @staticmethod
    def lookup(issuer: str, subject: str):
        """Statement selecting the identity (and its user) for an issuer and subject."""
        return select(UserIdentity).where(UserIdentity.issuer == issuer, UserIdentity.subject == subject)

    @staticmethod
    def exists_for(user_id: int):
        """Statement that is non-empty when the person has any linked identity."""
        return select(UserIdentity.id).where(UserIdentity.user_id == user_id).limit(1)
