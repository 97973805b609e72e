"""Recording learning: module views, mark-as-read, quiz attempts, certificates."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from ..content.catalog import Catalog, Course, Module
from ..content.questions import GetList, Question, presentations
from ..content.snapshot import fits, freeze, restore
from ..domain import grading, quiz_policy
from ..domain.notifications import CERTIFICATE
from ..domain.progress import by_module, certificate_due, course_progress
from ..extensions import db
from ..models import Certificate, ModuleProgress, QuizAttempt, User
from ..models.base import utcnow
from . import plans, quiz_limits
from .notifications import notify

ATTEMPT_SALT = "quiz-attempt"
ATTEMPT_MAX_AGE = 24 * 3600
VIEW_REFRESH = timedelta(minutes=5)


class SubmissionError(ValueError):
    """A quiz submission that is tampered, incomplete or stale; nothing is stored."""


class AnswersIncomplete(SubmissionError):
    """Some questions are blank or answered in a way that does not fit: ``problems`` holds each typed error.

    The quiz page is shown again with each problem on its question and every answer given kept.
    """

    def __init__(self, problems: tuple[grading.AnswerError, ...]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


class AttemptRefused(SubmissionError):
    """The course's quiz settings allow no attempt now (no attempts left, or the pause is not over)."""

    def __init__(self, verdict: quiz_policy.AttemptVerdict):
        super().__init__(verdict.status)
        self.verdict = verdict


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
    plans.after_module_done(catalog, user.id)
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
            gettext("This quiz was opened more than a day ago. Reload the page to start a new attempt.")
        ) from None
    except (BadSignature, TypeError, ValueError):
        raise SubmissionError(
            gettext("The attempt token is missing or was altered. Reload the quiz and try again.")
        ) from None
    if (ticket.user_id, ticket.course_slug, ticket.module_slug) != (user.id, module.course_slug, module.slug):
        raise SubmissionError(gettext("This attempt belongs to another quiz or another person."))
    if ticket.fingerprint != module.quiz_fingerprint:
        raise SubmissionError(
            gettext("The quiz was changed since you opened it. Reload the page to get the current questions.")
        )
    return ticket


def existing_attempt(nonce: str) -> QuizAttempt | None:
    """The attempt already stored for this nonce, if the form was sent before."""
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.nonce == nonce))


def unknown_fields_message(error: grading.UnknownFields) -> str:
    """What to tell someone whose quiz or test form carries fields no question asked for."""
    return gettext("The submission contains unknown question field(s): %(names)s.", names=", ".join(error.names[:5]))


def submit_quiz(
    user: User,
    catalog: Catalog,
    module: Module,
    ticket: AttemptTicket,
    field_names: set[str],
    getlist: GetList,
    shown: tuple[Question, ...] = (),
) -> tuple[QuizAttempt, bool, Certificate | None]:
    """Grade and store an attempt exactly once.

    Returns (attempt, newly_recorded, new certificate). The nonce is unique in
    the database: when the same form arrives twice, even at the same moment on
    different servers, one insert wins and every other request gets the stored
    attempt back. ``shown`` is the wording the learner read (default English);
    it is graded (a text question's accepted answers are per language)
    and frozen into the attempt for its review.
    """
    stored = existing_attempt(ticket.nonce)
    if stored is not None:
        return stored, False, None
    try:
        # Keys are the same in every language (the loader checks it), but a text question's accepted
        # answers are per language: grade against the wording the learner read.
        graded = grading.grade_submission(shown or module.questions, field_names, getlist, grading.BLANK_IS_ERROR)
    except grading.UnknownFields as error:
        raise SubmissionError(unknown_fields_message(error)) from None
    except grading.AnswersRejected as error:
        raise AnswersIncomplete(error.problems) from None
    answers, score = graded.answers, graded.score
    passed = score >= module.pass_mark
    frozen = freeze(shown or module.questions, ticket.seed, module.questions)
    settings = catalog.courses[module.course_slug].quiz_settings
    for _round in range(3):  # another round only when a parallel request counted an attempt first
        now = utcnow()
        # The row first, then the attempts: the row's count guards the check (see _count_attempt).
        with db.session.no_autoflush:
            row = _row(user, module)
            seen = row.attempts if row.id is not None else 0
            verdict = quiz_policy.may_attempt(settings, quiz_limits.attempt_times(user.id, module), now)
        if not verdict.allowed:
            db.session.rollback()
            raise AttemptRefused(verdict)
        db.session.add(
            QuizAttempt(
                nonce=ticket.nonce,
                user_id=user.id,
                course_slug=module.course_slug,
                module_slug=module.slug,
                seed=ticket.seed,
                answers=answers,
                grades=graded.scores,
                questions=frozen,
                score=score,
                pass_mark=module.pass_mark,
                passed=passed,
                started_at=datetime.fromtimestamp(ticket.started_at, tz=UTC),
                submitted_at=now,
            )
        )
        try:
            # The query must not flush the pending attempt: its IntegrityError
            # belongs to the commit below, where it is caught.
            with db.session.no_autoflush:
                counted = _count_attempt(row, score, passed, now, seen if quiz_limits.restricted(settings) else None)
            if counted:
                db.session.commit()
                break
        except IntegrityError:
            pass
        db.session.rollback()
        stored = existing_attempt(ticket.nonce)
        if stored is not None:  # the same form was stored by a parallel request
            return stored, False, None
    else:  # pragma: no cover - three lost races in a row
        raise SubmissionError(gettext("The attempt could not be stored. Send the form again."))
    attempt = existing_attempt(ticket.nonce)
    if passed:
        plans.after_module_done(catalog, user.id)
    certificate = issue_certificate_if_complete(user, catalog.courses[module.course_slug]) if passed else None
    return attempt, True, certificate


def _count_attempt(row: ModuleProgress, score: float, passed: bool, now: datetime, seen: int | None) -> bool:
    """Add an attempt to the progress row with SQL expressions, so parallel attempts all count.

    With ``seen`` (limited or paced attempts) the row changes only while it
    still holds ``seen`` attempts; False when a parallel attempt was counted
    first, so the caller checks the settings again.
    """
    if row.id is None:  # a new row: plain values (a parallel insert fails on the unique key)
        row.last_seen_at = now
        row.attempts, row.latest_score, row.best_score = 1, score, score
        if passed:
            row.quiz_passed_at = now
            row.completed_at = row.completed_at or now
        return True
    values = {
        "last_seen_at": now,
        "attempts": ModuleProgress.attempts + 1,
        "latest_score": score,
        "best_score": case(
            (ModuleProgress.best_score.is_(None), score),
            (ModuleProgress.best_score < score, score),
            else_=ModuleProgress.best_score,
        ),
    }
    if passed:
        values["quiz_passed_at"] = func.coalesce(ModuleProgress.quiz_passed_at, now)
        values["completed_at"] = func.coalesce(ModuleProgress.completed_at, now)
    condition = [ModuleProgress.id == row.id]
    if seen is not None:
        condition.append(ModuleProgress.attempts == seen)
    result = db.session.execute(
        update(ModuleProgress).where(*condition).values(**values).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def attempt_review(attempt: QuizAttempt, module: Module | None, language: str | None):
    """(questions, display orders) of an attempt's review, as the learner saw them.

    Attempts stored before snapshots existed fall back to the live module and
    leave out any question whose stored answer no longer fits it.
    """
    if attempt.questions:
        questions, order = restore(attempt.questions)
        return tuple(q for q in questions if q.id in attempt.answers), order
    live = module.text_for(language).questions if module else ()
    shown = tuple(q for q in live if q.id in attempt.answers and fits(q, attempt.answers[q.id]))
    return shown, presentations(shown, attempt.seed)


def issue_certificate_if_complete(user: User, course: Course) -> Certificate | None:
    """Issue the course certificate the first time every module is done."""
    rows = by_module(db.session.scalars(ModuleProgress.for_user(user.id, course.slug)))
    progress = course_progress(course, rows)
    # Only look the certificate up once the course is complete (one query less per page view).
    issued = progress.complete and (
        db.session.scalar(
            select(Certificate.id).where(Certificate.user_id == user.id, Certificate.course_slug == course.slug)
        )
        is not None
    )
    if not certificate_due(progress, issued):
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
