"""The mail outbox: render messages, queue them exactly once, send them with retries.

Every message is first a row in ``outbox_messages`` (in the same transaction as
the event it is about, when the caller has one), then :func:`deliver_due` hands
queued rows to the SMTP server (Flask-Mailman). A refused or unreachable server
leaves the row queued with an exponential back-off; after ``MAIL_MAX_ATTEMPTS``
it is marked failed and an administrator can retry it. Without ``MAIL_SERVER``
messages are written to the application log instead (development, demos).
"""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..domain.notifications import retry_delay
from ..extensions import db
from ..i18n import supported
from ..models import OutboxMessage
from ..models.base import utcnow
from ..models.notification import STATUS_FAILED, STATUS_QUEUED, STATUS_SENT

# A claimed message is not picked up by another sender for this long (a sender
# that died mid-send leaves it to be retried after the lease).
CLAIM_LEASE = timedelta(minutes=10)
BATCH = 200
_UPSERT = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


def recipient_language(person) -> str:
    """The language to write to a person (user or candidate) in: theirs, else the site default.

    The one place that decides it; ``person`` is None for an address without an account.
    """
    language = person.language if person is not None else None
    return supported(language) or current_app.config["DEFAULT_LANGUAGE"]


def absolute_url(endpoint: str, **values) -> str:
    """A full link to a page of the site, also from the CLI (``SMMACADEMY_BASE_URL``, else the request's host)."""
    base = current_app.config.get("SMMACADEMY_BASE_URL") or (
        request.url_root if has_request_context() else "http://localhost:5000/"
    )
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def render_message(kind: str, language: str, **context) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one message from ``templates/mail/<kind>*`` in ``language``."""
    # Straight from the Jinja environment: the site's context processors describe
    # the signed-in visitor, and mail is rendered for someone else (or from the CLI).
    environment = current_app.jinja_env
    context = {"language": language, **context}
    with force_locale(language):
        subject, text, html = (
            environment.get_template(f"mail/{kind}{suffix}").render(context)
            for suffix in ("_subject.txt", ".txt", ".html")
        )
    return " ".join(subject.split()), text.strip() + "\n", html


def is_queued(event_key: str) -> bool:
    """True when a message for this event exists already (saves rendering it again)."""
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.event_key == event_key)) is not None


def enqueue(
    event_key: str,
    kind: str,
    recipient: str,
    language: str,
    subject: str,
    text: str,
    html: str,
    user_id: int | None = None,
    attachments: list[dict] | None = None,
) -> bool:
    """Add a message to the outbox unless one for ``event_key`` exists; True when added.

    Does not commit: the message belongs to the caller's transaction. The unique
    ``event_key`` decides races between parallel runs: on SQLite and PostgreSQL
    the insert is ``ON CONFLICT DO NOTHING`` (the loser waits for the winner's
    commit, then inserts nothing); elsewhere a savepoint catches the
    IntegrityError, so the caller's transaction survives.
    """
    values = {
        "event_key": event_key[:200],
        "kind": kind,
        "recipient": recipient,
        "user_id": user_id,
        "language": language,
        "subject": subject[:300],
        "body_text": text,
        "body_html": html,
        "attachments": attachments or None,
        "status": STATUS_QUEUED,
        "next_attempt_at": utcnow(),
    }
    upsert = _UPSERT.get(db.session.get_bind().dialect.name)
    if upsert is not None:
        statement = (
            upsert(OutboxMessage)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["event_key"])
            .returning(OutboxMessage.id)
        )
        # RETURNING, not rowcount: psycopg reports no reliable rowcount for a skipped insert.
        return db.session.execute(statement).scalar() is not None
    try:
        with db.session.begin_nested():
            db.session.add(OutboxMessage(**values))
    except IntegrityError:
        return False
    return True


def queued_keys(kinds: tuple[str, ...], containing: str) -> list[str]:
    """Event keys of the still-queued messages of ``kinds`` whose key contains ``containing``."""
    return list(
        db.session.scalars(
            select(OutboxMessage.event_key).where(
                OutboxMessage.kind.in_(kinds),
                OutboxMessage.status == STATUS_QUEUED,
                OutboxMessage.event_key.contains(containing, autoescape=True),
            )
        )
    )


def withdraw(event_keys: list[str]) -> int:
    """Drop the still-queued messages of these events (sent ones stay on record); how many were dropped.

    Does not commit: it belongs to the caller's transaction, which ended what the mail was about.
    """
    if not event_keys:
        return 0
    result = db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.event_key.in_(event_keys), OutboxMessage.status == STATUS_QUEUED)
    )
    return result.rowcount or 0


def _claim(message_id: int, now: datetime) -> bool:
    """Take a due message for this sender only (a conditional update: one winner among parallel runs)."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == STATUS_QUEUED,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
    )
    db.session.commit()
    return result.rowcount == 1


def _send(message: OutboxMessage) -> None:
    """Hand one message to the SMTP server, or to the log when no server is configured."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        current_app.logger.info(
            "mail (no MAIL_SERVER, logged only) to %s: %s\n%s", message.recipient, message.subject, message.body_text
        )
        return
    from flask_mailman import EmailMultiAlternatives

    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.recipient],
        headers={
            "Content-Language": message.language,
            "Auto-Submitted": "auto-generated",
            "X-SMMAcademy-Kind": message.kind,
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments or []:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    email.send(fail_silently=False)


def _deliver(message_id: int, now: datetime) -> str | None:
    """Claim and send one message; returns its new status, or None when another sender has it."""
    if not _claim(message_id, now):
        return None
    message = db.session.get(OutboxMessage, message_id)
    try:
        _send(message)
    except (smtplib.SMTPException, OSError, ValueError) as error:
        message.last_error = f"{type(error).__name__}: {error}"[:1000]
        if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            message.status = STATUS_FAILED
        else:
            message.next_attempt_at = now + retry_delay(message.attempts, current_app.config["MAIL_RETRY_SECONDS"])
        current_app.logger.warning("mail %s to %s not sent: %s", message.id, message.recipient, message.last_error)
    else:
        message.status, message.sent_at, message.last_error = STATUS_SENT, utcnow(), ""
    db.session.commit()
    return message.status


def deliver_due(now: datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Send every queued message whose time has come; returns how many were sent, deferred, failed."""
    now = now or utcnow()
    counts = {STATUS_SENT: 0, STATUS_QUEUED: 0, STATUS_FAILED: 0}
    for message_id in db.session.scalars(OutboxMessage.due(now, limit)).all():
        status = _deliver(message_id, now)
        if status is not None:
            counts[status] += 1
    return counts


def deliver_now(event_key: str) -> str | None:
    """Try to send the message of one event at once (someone is waiting for it); it stays queued on failure."""
    message_id = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.event_key == event_key))
    return _deliver(message_id, utcnow()) if message_id is not None else None


def retry(message_id: int) -> bool:
    """Put a failed message back in the queue for the next run (admin action); False if it was not failed."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == STATUS_FAILED)
        .values(status=STATUS_QUEUED, attempts=0, next_attempt_at=utcnow())
    )
    db.session.commit()
    return result.rowcount == 1


def status_counts() -> dict[str, int]:
    """How many messages are in each status (the admin outbox summary)."""
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: count for status, count in rows}


def outbox(status: str = "", kind: str = "", limit: int = 200) -> list[OutboxMessage]:
    """The newest messages for the admin outbox, optionally one status and one kind."""
    return list(db.session.scalars(OutboxMessage.listing(status, kind).limit(limit)))
