"""Server-side sessions: start, load, end and list the sign-ins of a person.

The browser's cookies (Flask's session cookie and Flask-Login's remember-me
cookie) carry only a random token; the row in ``user_sessions`` holding its
SHA-256 decides whether it still signs anyone in. Ending a session is deleting
its row, so logout, "sign out everywhere else", a password change or reset, a
deactivation and a role change take effect on the next request of every
worker, whatever copies of the cookies exist.

Limits (see README "Security"): a session ends after ``SESSION_IDLE_MINUTES``
without a request or ``SESSION_MAX_HOURS`` after sign-in; a "keep me signed in"
session after ``REMEMBER_IDLE_DAYS`` idle or ``REMEMBER_DAYS`` in all.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, update

from ..extensions import db
from ..models import User, UserSession
from ..models.base import utcnow

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit(remember: bool) -> timedelta:
    config = current_app.config
    if remember:
        return timedelta(days=config["REMEMBER_IDLE_DAYS"])
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"])


def _lifetime(remember: bool) -> timedelta:
    config = current_app.config
    return timedelta(days=config["REMEMBER_DAYS"]) if remember else timedelta(hours=config["SESSION_MAX_HOURS"])


def is_live(record: UserSession, now: datetime) -> bool:
    """True while a session is within both its absolute and its idle limit."""
    return now < record.expires_at and now - record.last_seen_at < _idle_limit(record.remember)


def start(user: User, remember: bool, user_agent: str, address: str) -> str:
    """Create a session for ``user``, remember its token on the object and commit.

    Also drops the person's expired sessions, so the table does not grow.
    """
    now = utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now),
        execution_options={"synchronize_session": False},
    )
    record = UserSession(
        user_id=user.id,
        token_hash=hash_token(token),
        remember=bool(remember),
        user_agent=(user_agent or "")[:300],
        address=(address or "")[:64],
        created_at=now,
        last_seen_at=now,
        expires_at=now + _lifetime(bool(remember)),
    )
    db.session.add(record)
    db.session.commit()
    user.session_token, user.current_session_id = token, record.id
    return token


def load(token: str) -> User | None:
    """The active user a session token signs in, or None.

    Refreshes ``last_seen_at`` at most every ``SESSION_TOUCH_SECONDS`` so a busy
    site does not write on every request.
    """
    if not token or len(token) > 100:
        return None
    record = db.session.execute(UserSession.by_token_hash(), {"token_hash": hash_token(token)}).first()
    if record is None:
        return None
    now = utcnow()
    if not is_live(record, now):
        db.session.execute(delete(UserSession).where(UserSession.id == record.id))
        db.session.commit()
        return None
    user = record.User
    if not user.active:
        return None
    if (now - record.last_seen_at).total_seconds() >= current_app.config["SESSION_TOUCH_SECONDS"]:
        db.session.execute(update(UserSession).where(UserSession.id == record.id).values(last_seen_at=now))
        db.session.commit()
    user.session_token, user.current_session_id = token, record.id
    return user


def end(user: User) -> None:
    """End the session ``user`` was loaded for (logout)."""
    if user.current_session_id is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == user.current_session_id))
        db.session.commit()


def end_all(user_id: int, keep_current_of: User | None = None) -> None:
    """End every session of a person, keeping the current one of ``keep_current_of``.

    Does not commit: it belongs to the transaction that changed the password,
    the role or the active flag, so both happen or neither does.
    """
    keep = keep_current_of.current_session_id if keep_current_of is not None else None
    db.session.execute(UserSession.delete_for(user_id, keep), execution_options={"synchronize_session": False})


def end_others(user: User) -> int:
    """End every session of ``user`` except the current one; returns how many ended."""
    result = db.session.execute(
        UserSession.delete_for(user.id, user.current_session_id), execution_options={"synchronize_session": False}
    )
    db.session.commit()
    return result.rowcount or 0


def active_for(user: User) -> list[UserSession]:
    """The person's live sessions, most recently used first."""
    now = utcnow()
    return [r for r in db.session.scalars(UserSession.active_for(user.id, now)) if is_live(r, now)]
