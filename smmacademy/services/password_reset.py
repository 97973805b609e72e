"""Self-service password reset: a signed, expiring, single-use link sent by email.

The link carries a random token signed with the secret key and a timestamp;
the database keeps only the token's SHA-256, its expiry and when it was used.
Using it is one conditional update (``used_at IS NULL``), so two clicks on the
same link, even on two servers at once, set the password once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update

from ..domain.notifications import PASSWORD_RESET
from ..extensions import db
from ..models import PasswordResetToken, User
from ..models.base import utcnow
from . import accounts, identities, mail, throttle
from .notifications import notify

SALT = "smmacademy-password-reset"


class ResetLinkError(ValueError):
    """The link is not valid (any more); the message says what to do."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _minutes() -> int:
    return current_app.config["PASSWORD_RESET_MINUTES"]


def limits() -> throttle.Limits:
    """Reset requests per address and email before a pause (the login throttle's rules, its own counters)."""
    config = current_app.config
    return throttle.Limits(
        config["PASSWORD_RESET_LIMIT"], config["LOGIN_THROTTLE_MINUTES"], config["LOGIN_ADDRESS_LIMIT"]
    )


def request_link(email: str, address: str) -> int:
    """Queue a reset link for ``email`` if it names an active account that may use a password.

    Returns 0, or the minutes to wait when throttled. The caller shows the
    same answer whether or not the account exists. Every request counts
    against the throttle (in the login-attempt table under ``reset:`` keys,
    so it neither adds to nor clears sign-in failures).
    """
    state = throttle.reserve(f"reset:{email}"[:254], f"reset:{address}", limits())
    if state.locked:
        return state.retry_minutes
    user = db.session.scalar(User.by_email(email))
    if user is None or not user.active or not identities.password_allowed(user):
        return 0
    token = secrets.token_urlsafe(32)
    record = PasswordResetToken(
        user_id=user.id, token_hash=_hash(token), expires_at=utcnow() + timedelta(minutes=_minutes())
    )
    db.session.add(record)
    db.session.flush()
    link = mail.absolute_url("auth.reset_password", token=_serializer().dumps(token))
    notify(PASSWORD_RESET, user=user, link=link, token_id=record.id, minutes=_minutes())
    db.session.commit()
    return 0


def check_link(signed: str) -> PasswordResetToken:
    """The unused, unexpired token a link carries, or ResetLinkError."""
    try:
        token = _serializer().loads(signed, max_age=_minutes() * 60)
    except BadSignature:
        token = None
    record = (
        db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash(token)))
        if isinstance(token, str)
        else None
    )
    if record is None or record.used_at is not None or record.expires_at <= utcnow():
        raise ResetLinkError(
            _(
                "This password-reset link is not valid: it expired, was already used or is incomplete. Ask for a new one."
            )
        )
    return record


def reset(signed: str, password: str) -> User:
    """Set a new password through a link: once per link, through the password policy, ending every session.

    Raises ResetLinkError for a bad or used link and accounts.AccountError for a
    password the policy refuses (the link then stays usable).
    """
    record = check_link(signed)
    user = db.session.get(User, record.user_id)
    accounts.validate_password(password, user.email, user.full_name)
    now = utcnow()
    claimed = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == record.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1 or not user.active:
        db.session.rollback()
        raise ResetLinkError(_("This password-reset link was already used. Ask for a new one."))
    # Any other link the person asked for stops working as well.
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    # A reset ends every session, also one this browser may hold (the view signs it out):
    # with no current session to keep, accounts.change_password ends them all, and commits.
    user.current_session_id = None
    accounts.change_password(user, password)
    return user
