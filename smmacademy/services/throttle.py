"""Login throttling with counters in the database (shared by every worker)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete

from ..extensions import db
from ..models import LoginAttempt
from ..models.base import utcnow


@dataclass(frozen=True)
class ThrottleState:
    locked: bool
    retry_minutes: int = 0


def check(email: str, address: str, limit: int, window_minutes: int) -> ThrottleState:
    """Whether logins for this account or from this address are refused right now."""
    window = timedelta(minutes=window_minutes)
    since = utcnow() - window
    retry_at = None
    for stmt in (
        LoginAttempt.failures_since(since, email=email),
        LoginAttempt.failures_since(since, address=address),
    ):
        count, oldest = db.session.execute(stmt).one()
        if count >= limit and oldest is not None:
            candidate = oldest + window
            retry_at = max(retry_at, candidate) if retry_at else candidate
    if retry_at is None:
        return ThrottleState(False)
    minutes = max(1, math.ceil((retry_at - utcnow()).total_seconds() / 60))
    return ThrottleState(True, minutes)


def record_failure(email: str, address: str) -> None:
    """Count one failed login for the account and the address."""
    from ..models import User

    db.session.add(LoginAttempt(email=User.normalise_email(email)[:254], address=address[:64]))
    db.session.commit()


def clear_account(email: str) -> None:
    """Forget failures for an account after it signs in successfully."""
    from ..models import User

    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == User.normalise_email(email)))
    db.session.commit()
