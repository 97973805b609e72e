"""Rules of email notifications: the kinds, who may turn which off, when reminders fall due, retry back-off.

Flask-free: the services (``services.mail``, ``services.notifications``,
``services.reminders``) apply these rules to the database.
"""

from __future__ import annotations

from datetime import date, timedelta

ASSIGNMENT = "assignment"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
TEAM_OVERDUE = "team_overdue"
DIGEST = "digest"
CANDIDATE_INVITATION = "candidate_invitation"
CANDIDATE_FINISHED = "candidate_finished"
CERTIFICATE = "certificate"
PASSWORD_RESET = "password_reset"  # noqa: S105  # nosec B105
REVIEW_REQUEST = "review_request"
REVIEW_DUE_SOON = "review_due_soon"

# Kinds a person can turn off on their account page, in the order shown there.
OPTIONAL_KINDS = (ASSIGNMENT, DUE_SOON, OVERDUE, TEAM_OVERDUE, DIGEST, CANDIDATE_FINISHED, CERTIFICATE)
# Security mail always goes out: turning it off would lock a person out for good.
SECURITY_KINDS = (PASSWORD_RESET,)
# Sent to people outside the company, who have no account and no preferences.
EXTERNAL_KINDS = (CANDIDATE_INVITATION,)
# Someone is waiting for these answers: asked to review a person, and reminded near the due date.
REVIEW_KINDS = (REVIEW_REQUEST, REVIEW_DUE_SOON)
KINDS = OPTIONAL_KINDS + SECURITY_KINDS + EXTERNAL_KINDS + REVIEW_KINDS

# Reminders before a due date: 7 days, then 1 day.
REMINDER_DAYS = (7, 1)


def reminder_due(due: date, today: date) -> int | None:
    """Which "due in N days" reminder applies today, or None.

    The window is a range, not one exact day, so a reminder is not lost when
    the timer did not run on that day (or the due date was set closer than 7
    days): the 7-day one covers 2..7 days ahead, the 1-day one 0..1 day ahead.
    The event key includes N, so each one is sent at most once per due date.
    """
    left = (due - today).days
    if 0 <= left <= 1:
        return 1
    if 1 < left <= REMINDER_DAYS[0]:
        return REMINDER_DAYS[0]
    return None


def is_overdue(due: date | None, today: date) -> bool:
    """An unfinished assignment is overdue from the day after its due date."""
    return due is not None and due < today


def digest_week(today: date) -> str:
    """The ISO week a weekly digest belongs to (its event key): one digest per manager and week."""
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def retry_delay(attempts: int, base_seconds: int) -> timedelta:
    """Exponential back-off after ``attempts`` failed sends: base, 2×base, 4×base … capped at a day."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), timedelta(days=1))
