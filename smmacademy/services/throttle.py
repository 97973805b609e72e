"""Login throttling with counters in the database (shared by every worker).

Rules (README "Security"):

* per account *and* address: after ``limit`` failures within the window, a
  pause of 1 minute before the next guess, doubling after each further failure,
  capped at the window. A stranger guessing from another address therefore
  pauses only their own guesses, never the owner's.
* per address, across accounts: ``address_limit`` failures within the window
  close that address until the oldest one is older than the window.

Every attempt is recorded *before* it is counted (:func:`reserve`), and counted
with every row already committed by other workers, so parallel guesses cannot
all pass a check made before any of them was written: the first ``limit`` see
room, the rest see a fresh row and wait for the pause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete

from ..extensions import db
from ..models import LoginAttempt, User
from ..models.base import utcnow

BACKOFF_START = timedelta(minutes=1)
MAX_DOUBLINGS = 16


@dataclass(frozen=True)
class ThrottleState:
    locked: bool
    retry_minutes: int = 0


@dataclass(frozen=True)
class Limits:
    """How many failures, how long remembered, and the per-address cap."""

    limit: int
    window_minutes: int
    address_limit: int


def _pause(failures: int, limits: Limits) -> timedelta:
    """The back-off after ``failures`` failures for one account from one address."""
    if failures < limits.limit:
        return timedelta(0)
    doublings = min(failures - limits.limit, MAX_DOUBLINGS)
    return min(BACKOFF_START * 2**doublings, timedelta(minutes=limits.window_minutes))


def _retry_at(email: str, address: str, own_id: int, limits: Limits, now: datetime) -> datetime | None:
    window = timedelta(minutes=limits.window_minutes)
    since = now - window
    retry_at = None
    pair, _oldest, newest = db.session.execute(
        LoginAttempt.failures_since(since, email=email, address=address, exclude_id=own_id)
    ).one()
    pause = _pause(pair, limits)
    if pause and newest is not None and now < newest + pause:
        retry_at = newest + pause
    total, oldest, _newest = db.session.execute(
        LoginAttempt.failures_since(since, address=address, exclude_id=own_id)
    ).one()
    if total >= limits.address_limit and oldest is not None:
        retry_at = max(retry_at or oldest + window, oldest + window)
    return retry_at


def reserve(email: str, address: str, limits: Limits) -> ThrottleState:
    """Record a sign-in attempt as a failure, then decide whether it may go on.

    When the state is locked the attempt row is removed again (waiting does not
    lengthen the pause); when it may go on, the row stays as the failure record
    unless :func:`record_success` removes it. Failures from this address older
    than the window are dropped on the way, so the table stays small.
    """
    attempt = LoginAttempt(email=User.normalise_email(email)[:254], address=address[:64])
    db.session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.address == attempt.address,
            LoginAttempt.created_at < utcnow() - timedelta(minutes=limits.window_minutes),
        )
    )
    db.session.add(attempt)
    db.session.commit()
    now = utcnow()
    retry_at = _retry_at(attempt.email, attempt.address, attempt.id, limits, now)
    if retry_at is None:
        return ThrottleState(False)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt.id))
    db.session.commit()
    minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
    return ThrottleState(True, minutes)


def record_success(email: str, address: str) -> None:
    """Forget the failures of this account from this address after it signs in."""
    db.session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.email == User.normalise_email(email), LoginAttempt.address == address[:64]
        )
    )
    db.session.commit()
