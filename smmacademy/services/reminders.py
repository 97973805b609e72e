"""``send-reminders``: queue what has fallen due (assignments, review forms, digests), then send the outbox.

Idempotent by construction: every reminder, overdue notice and digest has an
event key (assignment and due date, manager and ISO week), so running it every
few minutes, or twice at once from two machines, queues each message once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..catalog_state import get_catalog
from ..domain import notifications as rules
from ..extensions import db
from ..models import Assessment, Assignment, Certificate, ModuleProgress, ReviewRater, ReviewRound, User
from ..models.base import utcnow
from ..models.review import ROUND_OPEN
from . import mail, team
from .assignments import assignment_complete
from .notifications import digest_key, notify


@dataclass
class DigestSummary:
    """A manager's week: overdue trainings, certificates earned, self-assessments submitted."""

    overdue: list[tuple[User, Assignment, str]] = field(default_factory=list)
    completions: list[Certificate] = field(default_factory=list)
    assessments: list[tuple[User, Assessment]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.completions or self.assessments)


def _candidates(today: date):
    """Open assignments of active people due within the reminder window or already past."""
    return (
        select(Assignment)
        .join(User, User.id == Assignment.user_id)
        .where(
            Assignment.withdrawn_at.is_(None),
            Assignment.due_date.is_not(None),
            Assignment.due_date <= today + timedelta(days=rules.REMINDER_DAYS[0]),
            User.active.is_(True),
        )
        .order_by(Assignment.due_date, Assignment.id)
    )


def unfinished(assignments: list[Assignment]) -> list[Assignment]:
    """The assignments not yet fulfilled, by the one rule (``assignments.assignment_complete``)."""
    if not assignments:
        return []
    catalog = get_catalog()
    user_ids = {a.user_id for a in assignments}
    done_keys: dict[int, set[tuple[str, str]]] = {}
    for row in db.session.execute(
        select(ModuleProgress.user_id, ModuleProgress.course_slug, ModuleProgress.module_slug).where(
            ModuleProgress.user_id.in_(user_ids), team.done_expression(catalog), team.current_module_filter(catalog)
        )
    ):
        done_keys.setdefault(row.user_id, set()).add((row.course_slug, row.module_slug))
    latest = dict(
        db.session.execute(
            select(Assessment.user_id, func.max(Assessment.submitted_at))
            .where(Assessment.user_id.in_(user_ids), Assessment.submitted_at.is_not(None))
            .group_by(Assessment.user_id)
        ).all()
    )
    return [
        a
        for a in assignments
        if not assignment_complete(catalog, a, done_keys.get(a.user_id, set()), latest.get(a.user_id))
    ]


def queue_assignment_reminders(today: date) -> int:
    """Queue due-soon reminders and overdue notices (person and manager); returns how many were new."""
    queued = 0
    for assignment in unfinished(db.session.scalars(_candidates(today)).all()):
        if rules.is_overdue(assignment.due_date, today):
            queued += len(notify(rules.OVERDUE, assignment=assignment))
            queued += len(notify(rules.TEAM_OVERDUE, assignment=assignment))
        else:
            days = rules.reminder_due(assignment.due_date, today)
            if days is not None:
                queued += len(notify(rules.DUE_SOON, assignment=assignment, days=days))
        db.session.commit()
    return queued


def queue_review_reminders(today: date) -> int:
    """Queue "due in N days" reminders to raters who have not submitted; returns how many were new."""
    entries = db.session.execute(
        select(ReviewRater, ReviewRound)
        .join(ReviewRound, ReviewRound.id == ReviewRater.round_id)
        .join(User, User.id == ReviewRater.rater_id)
        .where(
            ReviewRound.status == ROUND_OPEN,
            ReviewRound.due_date.is_not(None),
            ReviewRound.due_date >= today,
            ReviewRound.due_date <= today + timedelta(days=rules.REMINDER_DAYS[0]),
            ReviewRater.submitted_at.is_(None),
            User.active.is_(True),
        )
        .order_by(ReviewRater.id)
    ).all()
    queued = 0
    for entry, round_ in entries:
        days = rules.reminder_due(round_.due_date, today)
        if days is not None:
            queued += len(notify(rules.REVIEW_DUE_SOON, entry=entry, days=days))
    db.session.commit()
    return queued


def digest_for(manager: User, today: date) -> DigestSummary:
    """The last seven days of a manager's direct reports."""
    since = datetime.combine(today - timedelta(days=7), datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    reports = select(User.id).where(User.manager_id == manager.id, User.active.is_(True))
    summary = DigestSummary()
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(reports)))}
    open_due = db.session.scalars(
        select(Assignment).where(
            Assignment.user_id.in_(reports),
            Assignment.withdrawn_at.is_(None),
            Assignment.due_date < today,
        )
    ).all()
    catalog = get_catalog()
    for assignment in unfinished(list(open_due)):
        course = catalog.courses.get(assignment.course_slug or "")
        summary.overdue.append((people[assignment.user_id], assignment, course.title if course else ""))
    summary.completions = list(
        db.session.scalars(select(Certificate).where(Certificate.user_id.in_(reports), Certificate.issued_at >= since))
    )
    summary.assessments = [
        (people[a.user_id], a)
        for a in db.session.scalars(
            select(Assessment).where(Assessment.user_id.in_(reports), Assessment.submitted_at >= since)
        )
    ]
    return summary


def queue_digests(today: date) -> int:
    """On the configured weekday, queue one digest per manager with active reports for this ISO week."""
    if today.weekday() != current_app.config["DIGEST_WEEKDAY"]:
        return 0
    report = aliased(User)
    managers = db.session.scalars(
        select(User)
        .where(User.active.is_(True), select(report.id).where(report.manager_id == User.id, report.active).exists())
        .order_by(User.id)
    ).all()
    week = rules.digest_week(today)
    queued = 0
    for manager in managers:
        if mail.is_queued(digest_key(manager.id, week)):
            continue
        queued += len(notify(rules.DIGEST, manager=manager, week=week, summary=digest_for(manager, today)))
        db.session.commit()
    return queued


def run(now: datetime | None = None) -> dict[str, int]:
    """Queue everything due at ``now`` and send the outbox; returns the figures the command prints."""
    now = now or utcnow()
    today = now.date()
    queued = queue_assignment_reminders(today) + queue_review_reminders(today) + queue_digests(today)
    # Messages queued a moment ago carry a later time than ``now``: they go out in this run too.
    sent = mail.deliver_due(max(now, utcnow()))
    return {"new": queued, "sent": sent["sent"], "deferred": sent["queued"], "failed": sent["failed"]}
