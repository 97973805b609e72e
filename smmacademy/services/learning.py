"""Recording learning: module views, mark-as-read, quiz attempts, certificates."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..content.catalog import Catalog, Course, Module
from ..content.questions import AnswerError, GetList, expected_fields, grade_quiz, read_answers
from ..domain.notifications import CERTIFICATE
from ..domain.progress import course_progress
from ..extensions import db
from ..models import Certificate, ModuleProgress, QuizAttempt, User
from ..models.base import utcnow
from .notifications import notify

ATTEMPT_SALT = "quiz-attempt"
ATTEMPT_MAX_AGE = 24 * 3600
VIEW_REFRESH = timedelta(minutes=5)


class SubmissionError(ValueError):
    """A quiz submission that is tampered, incomplete or stale; nothing is stored."""


def progress_rows(user_id: int) -> dict[tuple[str, str], ModuleProgress]:
    """All of a learner's progress rows keyed by (course, module) — one query."""
    rows = db.session.scalars(ModuleProgress.for_user(user_id))
    return {(r.course_slug, r.module_slug): r for r in rows}


def completed_courses(catalog: Catalog, rows) -> set[str]:
    """Slugs of courses whose every current module is done."""
    return {slug for slug, course in catalog.courses.items() if course_progress(course, rows).complete}


def _row(user: User, module: Module) -> ModuleProgress:
    row = db.session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user.id,
            ModuleProgress.course_slug == module.course_slug,
            ModuleProgress.module_slug == module.slug,
        )
    )
    if row is None:
        row = ModuleProgress(user_id=user.id, course_slug=module.course_slug, module_slug=module.slug)
        db.session.add(row)
    return row


def record_view(user: User, module: Module, row: ModuleProgress | None) -> ModuleProgress:
    """Log that the learner opened a module (first and latest view).

    ``row`` is the learner's current row, if any. A view within
    VIEW_REFRESH of the last one writes nothing: reloading a page must not
    cost a database write.
    """
    now = utcnow()
    if row is not None and now - row.last_seen_at < VIEW_REFRESH:
        return row
    row = row or _row(user, module)
    row.last_seen_at = now
    try:
        db.session.commit()
    except IntegrityError:  # a parallel request created the row first
        db.session.rollback()
        row = _row(user, module)
    return row


def mark_read(user: User, catalog: Catalog, module: Module) -> Certificate | None:
    """Complete a module that has no quiz; return a newly issued certificate."""
    row = _row(user, module)
    now = utcnow()
    row.last_seen_at = now
    if row.completed_at is None:
        row.completed_at = now
    db.session.commit()
    return issue_certificate_if_complete(user, catalog.courses[module.course_slug])


@dataclass(frozen=True)
class AttemptTicket:
    """What the quiz form carries: who, which quiz, the shuffle seed and a nonce."""

    user_id: int
    course_slug: str
    module_slug: str
    seed: int
    nonce: str
    fingerprint: str
    started_at: float


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=ATTEMPT_SALT)


def new_ticket(secret_key: str, user: User, module: Module) -> tuple[AttemptTicket, str]:
    """Start an attempt: a fresh seed and nonce, signed so they cannot be forged."""
    ticket = AttemptTicket(
        user.id,
        module.course_slug,
        module.slug,
        secrets.randbelow(2**31),
        secrets.token_urlsafe(24),
        module.quiz_fingerprint,
        utcnow().timestamp(),
    )
    token = _serializer(secret_key).dumps(
        [
            ticket.user_id,
            ticket.course_slug,
            ticket.module_slug,
            ticket.seed,
            ticket.nonce,
            ticket.fingerprint,
            ticket.started_at,
        ]
    )
    return ticket, token


def read_ticket(secret_key: str, token: str, user: User, module: Module) -> AttemptTicket:
    """Check a submitted attempt token; raise SubmissionError when it is not usable."""
    try:
        values = _serializer(secret_key).loads(token or "", max_age=ATTEMPT_MAX_AGE)
        ticket = AttemptTicket(*values)
    except SignatureExpired:
        raise SubmissionError(
            "This quiz was opened more than a day ago. Reload the page to start a new attempt."
        ) from None
    except (BadSignature, TypeError, ValueError):
        raise SubmissionError("The attempt token is missing or was altered. Reload the quiz and try again.") from None
    if (ticket.user_id, ticket.course_slug, ticket.module_slug) != (user.id, module.course_slug, module.slug):
        raise SubmissionError("This attempt belongs to another quiz or another person.")
    if ticket.fingerprint != module.quiz_fingerprint:
        raise SubmissionError("The quiz was changed since you opened it. Reload the page to get the current questions.")
    return ticket


def existing_attempt(nonce: str) -> QuizAttempt | None:
    """The attempt already stored for this nonce, if the form was sent before."""
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.nonce == nonce))


def submit_quiz(
    user: User, catalog: Catalog, module: Module, ticket: AttemptTicket, field_names: set[str], getlist: GetList
) -> tuple[QuizAttempt, bool, Certificate | None]:
    """Grade and store an attempt.

    Returns (attempt, newly_recorded, new certificate). Submitting the same
    attempt twice returns the stored attempt without recording it again.
    """
    stored = existing_attempt(ticket.nonce)
    if stored is not None:
        return stored, False, None
    unknown = sorted(
        name for name in field_names if name.startswith("q-") and name not in expected_fields(module.questions)
    )
    if unknown:
        raise SubmissionError(f"The submission contains unknown question field(s): {', '.join(unknown[:5])}.")
    try:
        answers = read_answers(module.questions, getlist)
    except AnswerError as error:
        raise SubmissionError(f"The quiz is incomplete or contains invalid answers: {error}.") from None
    score, grades = grade_quiz(module.questions, answers)
    passed = score >= module.pass_mark
    now = utcnow()
    attempt = QuizAttempt(
        nonce=ticket.nonce,
        user_id=user.id,
        course_slug=module.course_slug,
        module_slug=module.slug,
        seed=ticket.seed,
        answers=answers,
        grades={qid: g.score for qid, g in grades.items()},
        score=score,
        pass_mark=module.pass_mark,
        passed=passed,
        started_at=datetime.fromtimestamp(ticket.started_at, tz=UTC),
        submitted_at=now,
    )
    db.session.add(attempt)
    row = _row(user, module)
    row.last_seen_at = now
    row.attempts = (row.attempts or 0) + 1
    row.latest_score = score
    row.best_score = max(score, row.best_score or 0.0)
    if passed and row.quiz_passed_at is None:
        row.quiz_passed_at = now
        row.completed_at = row.completed_at or now
    try:
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: keep the first
        db.session.rollback()
        stored = existing_attempt(ticket.nonce)
        if stored is None:
            raise
        return stored, False, None
    certificate = issue_certificate_if_complete(user, catalog.courses[module.course_slug]) if passed else None
    return attempt, True, certificate


def issue_certificate_if_complete(user: User, course: Course) -> Certificate | None:
    """Issue the course certificate the first time every module is done."""
    rows = {
        (r.course_slug, r.module_slug): r for r in db.session.scalars(ModuleProgress.for_user(user.id, course.slug))
    }
    if not course_progress(course, rows).complete:
        return None
    if db.session.scalar(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.course_slug == course.slug)
    ):
        return None
    certificate = Certificate(
        code=secrets.token_hex(6).upper(),
        user_id=user.id,
        course_slug=course.slug,
        course_title=course.title,
        holder_name=user.full_name,
    )
    db.session.add(certificate)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    notify(CERTIFICATE, certificate=certificate, commit=True)
    return certificate


def certificates_for(user_id: int):
    """Statement for a learner's certificates, newest first."""
    return select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.issued_at.desc())


def recent_attempts(user_id: int, limit: int = 5):
    """Statement for a learner's latest quiz attempts."""
    return (
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id)
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        .limit(limit)
    )
