"""Candidates: invitation links, the knowledge test, decisions, hiring and retention."""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ..content.catalog import Catalog
from ..content.questions import AnswerError, Question, expected_fields
from ..domain import scoring
from ..domain.notifications import CANDIDATE_FINISHED
from ..extensions import db
from ..models import Assessment, AuditLog, Candidate, CandidateEvent, LinkAttempt, User
from ..models.base import utcnow
from . import accounts
from .notifications import notify

TOKEN_BYTES = 24  # 192 bits
TEST_SIZE = 20
TIME_GRACE = timedelta(minutes=2)
LINK_FAILURE_LIMIT = 10
LINK_FAILURE_WINDOW = timedelta(minutes=15)


class CandidateError(ValueError):
    """A candidate action that cannot be done, with a message for the user."""


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
    actor: User, full_name: str, email: str, profile_id: str, note: str, days: int, time_limit: int | None
) -> tuple[Candidate, str]:
    """Create a candidate and their invitation token."""
    if not accounts.EMAIL.match(User.normalise_email(email)):
        raise CandidateError(f"'{email}' is not a valid email address.")
    candidate = Candidate(
        full_name=full_name.strip(),
        email=User.normalise_email(email),
        profile_id=profile_id,
        note=note.strip(),
        created_by_id=actor.id,
        time_limit_minutes=time_limit or None,
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

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
        raise LinkProblem("used")
    if candidate.token_revoked_at is not None or candidate.token_hash is None:
        raise LinkProblem("revoked")
    if candidate.token_expires_at is None or candidate.token_expires_at < utcnow():
        raise LinkProblem("expired")


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
        assessment = Assessment(candidate_id=candidate.id, ratings={}, framework_version=framework.version)
        db.session.add(assessment)
        db.session.commit()
    return assessment


def draw_questions(catalog: Catalog, profile_id: str, seed: int, size: int = TEST_SIZE) -> list[str]:
    """Draw ``size`` questions across the profile's competencies, weighted by their weight.

    Every question of a module tagged with at least one competency is in the
    pool; its weight is the highest profile weight among those competencies,
    so core competencies (weight 3) are asked about most often.
    """
    profile = catalog.framework.profiles[profile_id]
    pool: list[tuple[str, int]] = []
    for module in catalog.modules:
        weights = [profile.targets[c].weight for c in module.competencies if c in profile.targets]
        if weights:
            pool.extend((q.id, max(weights)) for q in module.questions)
    rng = random.Random(seed)  # noqa: S311 - drawing test questions, not security  # nosec B311
    chosen: list[str] = []
    candidates = list(pool)
    while candidates and len(chosen) < size:
        total = sum(w for _, w in candidates)
        pick = rng.uniform(0, total)
        running = 0.0
        for index, (qid, weight) in enumerate(candidates):
            running += weight
            if pick <= running:
                chosen.append(qid)
                candidates.pop(index)
                break
    return chosen


def start_test(candidate: Candidate, catalog: Catalog) -> None:
    """Fix the candidate's questions and start the clock (once)."""
    if candidate.test_started_at is None:
        candidate.test_seed = secrets.randbelow(2**31)
        candidate.test_question_ids = draw_questions(catalog, candidate.profile_id, candidate.test_seed)
        candidate.test_started_at = utcnow()
        touch(candidate)
        db.session.commit()


def test_questions(candidate: Candidate, catalog: Catalog) -> list[tuple[object, Question]]:
    """The (module, question) pairs of the candidate's test that still exist."""
    bank = catalog.questions
    return [bank[qid] for qid in candidate.test_question_ids or [] if qid in bank]


def deadline(candidate: Candidate) -> datetime | None:
    if candidate.time_limit_minutes and candidate.test_started_at:
        return candidate.test_started_at + timedelta(minutes=candidate.time_limit_minutes)
    return None


def submit_test(candidate: Candidate, catalog: Catalog, field_names: set[str], getlist) -> None:
    """Grade the knowledge test. Blank answers score 0; tampered ones raise CandidateError."""
    if candidate.test_submitted_at is not None:
        raise CandidateError("The knowledge test was already submitted.")
    if candidate.test_started_at is None:
        raise CandidateError("The knowledge test has not been started.")
    pairs = test_questions(candidate, catalog)
    questions = [q for _, q in pairs]
    allowed = expected_fields(tuple(questions))
    unknown = sorted(n for n in field_names if n.startswith("q-") and n not in allowed)
    if unknown:
        raise CandidateError(f"The submission contains unknown question field(s): {', '.join(unknown[:5])}.")
    answers, grades = {}, {}
    for question in questions:
        try:
            answer = question.kind.read_answer(question, getlist)
        except AnswerError as error:
            if "has no answer" in str(error) or "is not matched" in str(error):
                grades[question.id] = 0.0
                continue
            raise CandidateError(f"Invalid answer: {error}.") from None
        answers[question.id] = answer
        grades[question.id] = question.kind.grade(question, answer).score
    now = utcnow()
    limit = deadline(candidate)
    late = limit is not None and now > limit + TIME_GRACE
    candidate.test_answers = answers
    candidate.test_grades = grades
    candidate.test_score = round(100 * sum(grades.values()) / len(questions), 1) if questions else 0.0
    candidate.test_submitted_at = now
    log(candidate, None, "test", f"Knowledge test submitted{' after the time limit' if late else ''}")
    touch(candidate)
    db.session.commit()


def test_evidence(candidate: Candidate, catalog: Catalog) -> dict[str, dict]:
    """Per competency: share of the candidate's test questions answered right."""
    evidence: dict[str, dict] = {}
    grades = candidate.test_grades or {}
    for module, question in test_questions(candidate, catalog):
        for cid in module.competencies:
            entry = evidence.setdefault(cid, {"right": 0.0, "asked": 0})
            entry["asked"] += 1
            entry["right"] += grades.get(question.id, 0.0)
    for entry in evidence.values():
        entry["level"] = scoring.share_level(entry["right"], entry["asked"])
        entry["note"] = f"{round(entry['right'], 1):g} of {entry['asked']} test questions right"
    return evidence


def finish(candidate: Candidate, catalog: Catalog) -> None:
    """Final submission: score the assessment with test evidence and close the link."""
    assessment = db.session.scalar(Assessment.for_candidate(candidate.id))
    if assessment is None or candidate.test_submitted_at is None:
        raise CandidateError("Finish the self-assessment and the knowledge test first.")
    framework = catalog.framework
    snapshot = framework.snapshot()
    result = scoring.score(snapshot, assessment.ratings or {})
    result["evidence"] = test_evidence(candidate, catalog)
    result["evidence_source"] = "knowledge test"
    assessment.framework = snapshot
    assessment.framework_version = framework.version
    assessment.result = result
    assessment.best_profile = result["best"]["profile"]
    assessment.best_band = result["best"]["band"]
    assessment.submitted_at = utcnow()
    candidate.submitted_at = utcnow()
    candidate.status = "submitted"
    log(candidate, None, "submitted", "Candidate submitted the assessment")
    touch(candidate)
    notify(CANDIDATE_FINISHED, candidate=candidate)
    db.session.commit()


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
        raise CandidateError("The candidate has already submitted; a new link is not needed.")
    token = issue_token(candidate, days)
    log(candidate, actor, "reissued", f"New link valid for {days} days; the old one no longer works")
    db.session.commit()
    return token


def hire(candidate: Candidate, actor: User, department=None) -> tuple[User, str]:
    """Create the employee account; the candidate's assessment moves to it."""
    if candidate.hired_user_id is not None:
        raise CandidateError("This candidate has already been converted into an employee account.")
    password = accounts.temporary_password()
    try:
        user = accounts.create_user(
            candidate.email, candidate.full_name, "learner", None, department=department, commit=False
        )
    except accounts.AccountError as error:
        db.session.rollback()
        raise CandidateError(str(error)) from None
    user.set_password(password)
    user.must_change_password = True
    db.session.flush()
    for assessment in db.session.scalars(Assessment.for_candidate(candidate.id)):
        if assessment.submitted_at is not None:
            assessment.user_id = user.id
    candidate.hired_user_id = user.id
    candidate.status = "hired"
    candidate.token_revoked_at = candidate.token_revoked_at or utcnow()
    log(candidate, actor, "hired", "Converted into an employee account")
    db.session.commit()
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
