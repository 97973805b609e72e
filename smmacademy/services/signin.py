"""Checking a sign-in: the same work for every email, throttled in the database."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User
from ..models.base import utcnow
from . import throttle
from .identities import password_allowed

DEFAULT_METHOD = "scrypt"


@dataclass(frozen=True)
class SignInResult:
    """The user who signed in, or None; ``locked_minutes`` > 0 when throttled."""

    user: User | None
    locked_minutes: int = 0


@cache
def _dummy_hash(method: str) -> str:
    """A hash of a random password with the configured method, computed once per process."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def verify(user: User | None, password: str) -> bool:
    """True when ``user`` exists, is active and ``password`` matches.

    Exactly one hash check happens whatever the account: unknown emails and
    accounts without a password are checked against a dummy hash, and inactive
    accounts are checked too, so the answer time does not tell which emails exist.
    """
    method = current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_METHOD)
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash(method)
    matches = check_password_hash(stored, password)
    return matches and user is not None and bool(user.password_hash) and user.active and password_allowed(user)


def limits() -> throttle.Limits:
    """The throttle settings of the running app."""
    config = current_app.config
    return throttle.Limits(
        config["LOGIN_THROTTLE_LIMIT"], config["LOGIN_THROTTLE_MINUTES"], config["LOGIN_ADDRESS_LIMIT"]
    )


def authenticate(email: str, password: str, address: str) -> SignInResult:
    """Check a sign-in from ``address``: throttle first, then one password check."""
    state = throttle.reserve(email, address, limits())
    if state.locked:
        return SignInResult(None, state.retry_minutes)
    user = db.session.scalar(User.by_email(email))
    if not verify(user, password):
        return SignInResult(None)
    throttle.record_success(user.email, address)
    user.last_login_at = utcnow()
    db.session.commit()
    return SignInResult(user)
