"""What each notification says and to whom: one ``notify(kind, ...)`` call per event.

The services where events happen (assignments, candidates, certificates) call
:func:`notify` in one line; this module finds the recipients, skips people who
turned the kind off, renders the message in the recipient's language and
queues it in the outbox under a key unique to the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import delete, select

from ..catalog_state import get_catalog
from ..domain import notifications as rules
from ..extensions import db
from ..models import Assignment, Candidate, Certificate, NotificationOptOut, ReviewRater, ReviewRound, User
from ..models.assignment import KIND_ASSESSMENT
from . import mail


@dataclass
class Envelope:
    """One message to queue: the event key, the addressee and the template context."""

    key: str
    email: str
    user: User | None
    context: dict
    language: str = ""
    attachments: list[dict] = field(default_factory=list)


def opted_out_kinds(user_id: int) -> set[str]:
    """The kinds of mail a person turned off."""
    return set(db.session.scalars(select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user_id)))


def save_preferences(user: User, wanted: set[str]) -> None:
    """Keep the optional kinds in ``wanted`` on and turn every other optional kind off."""
    db.session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
    db.session.add_all(
        NotificationOptOut(user_id=user.id, kind=kind) for kind in rules.OPTIONAL_KINDS if kind not in wanted
    )
    db.session.commit()


def _wants(user: User | None, kind: str) -> bool:
    if user is None:
        return True
    if not user.active:
        return False
    if kind not in rules.OPTIONAL_KINDS:
        return True
    return kind not in opted_out_kinds(user.id)


def _assignment_facts(assignment: Assignment) -> dict:
    """Title and link of what was assigned."""
    if assignment.kind == KIND_ASSESSMENT:
        return {"title": None, "link": mail.absolute_url("assessment.intro")}
    course = get_catalog().courses.get(assignment.course_slug or "")
    return {
        "title": course.title if course else assignment.course_slug,
        "link": mail.absolute_url("learn.course", course_slug=assignment.course_slug),
    }


def calendar_file(assignment: Assignment, summary: str, link: str) -> dict:
    """An .ics attachment with an all-day event on the due date (updated in place by its stable UID)."""
    calendar = Calendar()
    calendar.add("prodid", "-//SMM Academy//assignments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"assignment-{assignment.id}@smmacademy")
    event.add("summary", summary)
    event.add("dtstart", assignment.due_date)
    event.add("dtstamp", assignment.updated_at)
    event.add("sequence", int(assignment.updated_at.timestamp()))
    event.add("url", link)
    event.add("description", link)
    calendar.add_component(event)
    return {"filename": "due-date.ics", "mimetype": "text/calendar", "content": calendar.to_ical().decode()}


def _assignment(assignment: Assignment) -> list[Envelope]:
    db.session.flush()  # a new assignment needs its id for the key
    person = db.session.get(User, assignment.user_id)
    facts = _assignment_facts(assignment)
    envelope = Envelope(
        f"assignment:{assignment.id}:{assignment.updated_at.isoformat()}",
        person.email,
        person,
        {"person": person, "assignment": assignment, **facts},
    )
    if assignment.due_date:
        with force_locale(mail.recipient_language(person)):
            summary = _("SMM Academy: %(title)s", title=facts["title"] or _("the self-assessment"))
        envelope.attachments.append(calendar_file(assignment, summary, facts["link"]))
    return [envelope]


# Every message about one assignment has its id as the second part of the key: "<event>:<id>:…".
ASSIGNMENT_MAIL_KINDS = (rules.ASSIGNMENT, rules.DUE_SOON, rules.OVERDUE, rules.TEAM_OVERDUE)


def withdraw_assignment_mail(assignment_id: int) -> int:
    """Drop the mail about an assignment that is still queued (it was withdrawn); how many messages."""
    keys = mail.queued_keys(ASSIGNMENT_MAIL_KINDS, f":{assignment_id}:")
    return mail.withdraw([key for key in keys if key.split(":")[1] == str(assignment_id)])


def _due_soon(assignment: Assignment, days: int) -> list[Envelope]:
    person = assignment_person(assignment)
    context = {"person": person, "assignment": assignment, "days": days, **_assignment_facts(assignment)}
    return [Envelope(f"due{days}:{assignment.id}:{assignment.due_date}", person.email, person, context)]


def _overdue(assignment: Assignment) -> list[Envelope]:
    person = assignment_person(assignment)
    context = {"person": person, "assignment": assignment, **_assignment_facts(assignment)}
    return [Envelope(f"overdue:{assignment.id}:{assignment.due_date}", person.email, person, context)]


def _team_overdue(assignment: Assignment) -> list[Envelope]:
    person = assignment_person(assignment)
    manager = person.manager
    if manager is None:
        return []
    context = {
        "person": manager,
        "member": person,
        "assignment": assignment,
        "member_link": mail.absolute_url("team.member", user_id=person.id),
        **_assignment_facts(assignment),
    }
    return [
        Envelope(f"team_overdue:{assignment.id}:{assignment.due_date}:{manager.id}", manager.email, manager, context)
    ]


def digest_key(manager_id: int, week: str) -> str:
    """The event key of a manager's weekly digest."""
    return f"digest:{manager_id}:{week}"


def _digest(manager: User, week: str, summary) -> list[Envelope]:
    context = {"person": manager, "summary": summary, "link": mail.absolute_url("team.dashboard")}
    return [Envelope(digest_key(manager.id, week), manager.email, manager, context)]


def _candidate_invitation(candidate: Candidate, link: str, profile: str, expires: date) -> list[Envelope]:
    context = {"candidate": candidate, "link": link, "profile": profile, "expires": expires}
    # Keyed on the token's expiry: a re-issued link is a new event, a double click is not.
    key = f"candidate_invitation:{candidate.id}:{candidate.token_expires_at.isoformat()}"
    return [Envelope(key, candidate.email, None, context, language=mail.recipient_language(candidate))]


def _candidate_finished(candidate: Candidate) -> list[Envelope]:
    inviter = db.session.get(User, candidate.created_by_id) if candidate.created_by_id else None
    if inviter is None:
        return []
    context = {
        "person": inviter,
        "candidate": candidate,
        "link": mail.absolute_url("hr.report", candidate_id=candidate.id),
    }
    return [Envelope(f"candidate_finished:{candidate.id}", inviter.email, inviter, context)]


def _certificate(certificate: Certificate) -> list[Envelope]:
    person = db.session.get(User, certificate.user_id)
    context = {
        "person": person,
        "certificate": certificate,
        "link": mail.absolute_url("learn.certificate", code=certificate.code),
        "verify_link": mail.absolute_url("learn.verify", code=certificate.code),
    }
    return [Envelope(f"certificate:{certificate.id}", person.email, person, context)]


def _password_reset(user: User, link: str, token_id: int, minutes: int) -> list[Envelope]:
    context = {"person": user, "link": link, "minutes": minutes}
    return [Envelope(f"password_reset:{token_id}", user.email, user, context)]


def _review_facts(entry: ReviewRater) -> dict:
    """Who is asked, about whom, as which source, by when, and the link to the form."""
    round_ = db.session.get(ReviewRound, entry.round_id)
    return {
        "person": db.session.get(User, entry.rater_id),
        "subject": db.session.get(User, round_.subject_id),
        "relation": entry.relation,
        "due_date": round_.due_date,
        "link": mail.absolute_url("reviews.rate", round_id=round_.id),
    }


def _review_request_key(entry_id: int) -> str:
    return f"review_request:{entry_id}"


def _review_due_key(days: int, entry_id: int, due_date: date | None) -> str:
    return f"review_due{days}:{entry_id}:{due_date}"


def review_mail_keys(round_: ReviewRound) -> list[str]:
    """The event keys of every message asking this round's raters: each request and each reminder."""
    keys = []
    for entry in round_.raters:
        keys.append(_review_request_key(entry.id))
        keys += [_review_due_key(days, entry.id, round_.due_date) for days in rules.REMINDER_DAYS]
    return keys


def _review_request(entry: ReviewRater) -> list[Envelope]:
    facts = _review_facts(entry)
    return [Envelope(_review_request_key(entry.id), facts["person"].email, facts["person"], facts)]


def _review_due_soon(entry: ReviewRater, days: int) -> list[Envelope]:
    facts = _review_facts(entry)
    key = _review_due_key(days, entry.id, facts["due_date"])
    return [Envelope(key, facts["person"].email, facts["person"], {**facts, "days": days})]


BUILDERS = {
    rules.ASSIGNMENT: _assignment,
    rules.DUE_SOON: _due_soon,
    rules.OVERDUE: _overdue,
    rules.TEAM_OVERDUE: _team_overdue,
    rules.DIGEST: _digest,
    rules.CANDIDATE_INVITATION: _candidate_invitation,
    rules.CANDIDATE_FINISHED: _candidate_finished,
    rules.CERTIFICATE: _certificate,
    rules.PASSWORD_RESET: _password_reset,
    rules.REVIEW_REQUEST: _review_request,
    rules.REVIEW_DUE_SOON: _review_due_soon,
}


def assignment_person(assignment: Assignment) -> User:
    """The person an assignment is for."""
    return db.session.get(User, assignment.user_id)


def notify(kind: str, commit: bool = False, **objects) -> list[str]:
    """Queue the ``kind`` notification about ``objects``; returns the event keys newly queued.

    Without ``commit`` the messages join the caller's transaction (they are
    queued exactly when the event itself is saved).
    """
    queued = []
    for envelope in BUILDERS[kind](**objects):
        if not _wants(envelope.user, kind) or mail.is_queued(envelope.key):
            continue
        language = envelope.language or mail.recipient_language(envelope.user)
        subject, text, html = mail.render_message(kind, language, **envelope.context)
        if mail.enqueue(
            envelope.key,
            kind,
            envelope.email,
            language,
            subject,
            text,
            html,
            user_id=envelope.user.id if envelope.user else None,
            attachments=envelope.attachments,
        ):
            queued.append(envelope.key)
    if commit:
        db.session.commit()
    return queued


def send_invitation(candidate: Candidate, link: str, profile: str) -> str | None:
    """Email a candidate their invitation link now (HR is waiting); it stays queued if the server refuses."""
    keys = notify(
        rules.CANDIDATE_INVITATION,
        commit=True,
        candidate=candidate,
        link=link,
        profile=profile,
        expires=candidate.token_expires_at.date(),
    )
    return mail.deliver_now(keys[0]) if keys else None
