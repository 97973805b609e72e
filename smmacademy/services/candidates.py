"""Candidates: invitation links, the knowledge test, decisions, hiring and retention."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..content.catalog import Catalog
from ..extensions import db
from ..models import Assessment, AuditLog, Candidate, CandidateEvent, LinkAttempt, User
from ..models.base import utcnow
from . import accounts

TOKEN_BYTES = 24  # 192 bits
TEST_SIZE = 20
LINK_FAILURE_LIMIT = 10
LINK_FAILURE_WINDOW = timedelta(minutes=15)


class CandidateError(ValueError):
    """A candidate action that cannot be done, with a message for the user."""


class AlreadyDone(CandidateError):
    """The action was already done (a double click, or the same form sent twice)."""


def hash_token(token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(candidate: Candidate, days: int) -> str:
    """Give the candidate a fresh link; any earlier link stops working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    candidate.token_hash = hash_token(token)
    candidate.token_expires_at = utcnow() + timedelta(days=days)
    candidate.token_revoked_at = None
    return token


def invite(
    actor: User,
    full_name: str,
    email: str,
    profile_id: str,
    note: str,
    days: int,
    time_limit: int | None,
    language: str = "en",
) -> tuple[Candidate, str]:
    """Create a candidate and their invitation token."""
    if not accounts.EMAIL.match(User.normalise_email(email)):
        raise CandidateError(gettext("'%(email)s' is not a valid email address.", email=email))
    candidate = Candidate(
        full_name=full_name.strip(),
        email=User.normalise_email(email),
        profile_id=profile_id,
        note=note.strip(),
        created_by_id=actor.id,
        time_limit_minutes=time_limit or None,
        language=language,
    )
    token = issue_token(candidate, days)
    db.session.add(candidate)
    db.session.flush()
    log(candidate, actor, "invited", f"Link valid for {days} days")
    db.session.commit()
    return candidate, token


def log(candidate: Candidate, actor: User | None, kind: str, text: str = "") -> None:
    """Add a note or status event to the candidate's history."""
    candidate.events.append(CandidateEvent(actor_id=actor.id if actor else None, kind=kind, text=text))


class LinkProblem(Exception):
    """Why a link cannot be used: 'unknown', 'expired', 'revoked' or 'used'."""

    def __init__(self, reason: str, language: str | None = None):
        super().__init__(reason)
        self.reason = reason
        # The invitation's language when the link is known: the page explaining the problem uses it.
        self.language = language


def link_throttled(address: str) -> bool:
    """True after too many invalid links from one address in the window."""
    since = utcnow() - LINK_FAILURE_WINDOW
    count = db.session.scalar(
        select(func.count(LinkAttempt.id)).where(LinkAttempt.address == address, LinkAttempt.created_at >= since)
    )
    return count >= LINK_FAILURE_LIMIT


def record_bad_link(address: str) -> None:
    db.session.add(LinkAttempt(address=address[:64]))
    db.session.commit()


def candidate_for_token(token: str) -> Candidate:
    """The candidate a usable token belongs to, or raise LinkProblem."""
    if not token or len(token) > 128:
        raise LinkProblem("unknown")
    candidate = db.session.scalar(select(Candidate).where(Candidate.token_hash == hash_token(token)))
    if candidate is None:
        raise LinkProblem("unknown")
    check_usable(candidate)
    return candidate


def check_usable(candidate: Candidate) -> None:
    """Raise LinkProblem when the candidate's current link no longer works."""
    if candidate.submitted_at is not None or candidate.status == "hired":
        raise LinkProblem("used", candidate.language)
    if candidate.token_revoked_at is not None or candidate.token_hash is None:
        raise LinkProblem("revoked", candidate.language)
    if candidate.token_expires_at is None or candidate.token_expires_at < utcnow():
        raise LinkProblem("expired", candidate.language)


def touch(candidate: Candidate) -> None:
    candidate.last_activity_at = utcnow()


def give_consent(candidate: Candidate) -> None:
    if candidate.consent_at is None:
        candidate.consent_at = utcnow()
        if candidate.status == "invited":
            candidate.status = "started"
        log(candidate, None, "started", "Consent given")
    touch(candidate)
    db.session.commit()


def assessment_for(candidate: Candidate, framework) -> Assessment:
    """The candidate's assessment draft, created on first use."""
    assessment = db.session.scalar(Assessment.for_candidate(candidate.id))
    if assessment is None:
        db.session.add(Assessment(candidate_id=candidate.id, framework_version=framework.version))
        try:
            db.session.commit()
        except IntegrityError:  # opened twice at once: candidate_id is unique, keep the first
            db.session.rollback()
        assessment = db.session.scalar(Assessment.for_candidate(candidate.id))
    return assessment


def change_status(candidate: Candidate, actor: User, status: str, note: str = "") -> None:
    """Record an HR decision with who and when."""
    old = candidate.status
    candidate.status = status
    log(candidate, actor, "status", f"{old} → {status}" + (f": {note}" if note else ""))
    db.session.commit()


def revoke(candidate: Candidate, actor: User) -> None:
    candidate.token_revoked_at = utcnow()
    log(candidate, actor, "revoked", "Invitation link revoked")
    db.session.commit()


def reissue(candidate: Candidate, actor: User, days: int) -> str:
    if candidate.submitted_at is not None:
        raise CandidateError(gettext("The candidate has already submitted; a new link is not needed."))
    token = issue_token(candidate, days)
    log(candidate, actor, "reissued", f"New link valid for {days} days; the old one no longer works")
    db.session.commit()
    return token


def hire(
    candidate: Candidate,
    actor: User,
    catalog: Catalog,
    department=None,
    manager: User | None = None,
    job_title: str = "",
) -> tuple[User, str]:
    """Create the employee account (onboarded); the candidate's assessment moves to it.

    ``manager`` and ``job_title`` place the new employee on that manager's team
    from their first day; the account opens through ``accounts.new_employee``
    and ``accounts.welcome`` like every other new employee.

    The candidate row is claimed first with a conditional UPDATE: of several
    parallel requests exactly one sees a changed row and creates the account;
    the others raise AlreadyDone.
    """
    if candidate.hired_user_id is not None:
        raise AlreadyDone(gettext("This candidate has already been converted into an employee account."))
    claimed = db.session.execute(
        update(Candidate)
        .where(Candidate.id == candidate.id, Candidate.hired_user_id.is_(None), Candidate.status != "hired")
        .values(status="hired")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise AlreadyDone(gettext("This candidate has already been converted into an employee account."))
    try:
        if manager is not None and not (manager.active and manager.role in accounts.TEAM_LEAD_ROLES):
            raise accounts.AccountError(gettext("Choose an active manager as the line manager."))
        user, password = accounts.new_employee(
            candidate.email, candidate.full_name, "learner", department, job_title=job_title, manager=manager
        )
        db.session.flush()
    except accounts.AccountError as error:
        db.session.rollback()
        raise CandidateError(str(error)) from None
    except IntegrityError:  # the email was taken by an account created at the same moment
        db.session.rollback()
        raise CandidateError(
            gettext("An account with the address %(email)s already exists.", email=candidate.email)
        ) from None
    for assessment in db.session.scalars(Assessment.for_candidate(candidate.id)):
        if assessment.submitted_at is not None:
            assessment.user_id = user.id
    candidate.hired_user_id = user.id
    candidate.status = "hired"
    candidate.token_revoked_at = candidate.token_revoked_at or utcnow()
    log(candidate, actor, "hired", "Converted into an employee account")
    db.session.commit()
    accounts.welcome(catalog, [user])
    return user, password


def delete_candidate(candidate: Candidate, actor: User | None, reason: str) -> None:
    """Erase the candidate with answers and results; keep an audit line without personal data."""
    db.session.add(
        AuditLog(
            actor_id=actor.id if actor else None,
            action="candidate deleted",
            detail=f"candidate #{candidate.id}, status {candidate.status}, {reason}",
        )
    )
    hired_id = candidate.hired_user_id
    for assessment in db.session.scalars(Assessment.for_candidate(candidate.id)):
        if hired_id is not None and assessment.user_id == hired_id:
            assessment.candidate_id = None  # the employee's history stays theirs
        else:
            db.session.delete(assessment)
    db.session.delete(candidate)
    db.session.commit()


@dataclass(frozen=True)
class PurgeItem:
    id: int
    status: str
    last_activity_at: datetime


def purge(retention_days: int, dry_run: bool) -> list[PurgeItem]:
    """Delete candidates not hired whose last activity is older than the retention period."""
    cutoff = utcnow() - timedelta(days=retention_days)
    stale = db.session.scalars(
        select(Candidate).where(Candidate.status != "hired", Candidate.last_activity_at < cutoff).order_by(Candidate.id)
    ).all()
    items = [PurgeItem(c.id, c.status, c.last_activity_at) for c in stale]
    if not dry_run:
        for candidate in stale:
            delete_candidate(candidate, None, f"retention of {retention_days} days")
        db.session.execute(delete(LinkAttempt).where(LinkAttempt.created_at < cutoff))
        db.session.commit()
    return items
