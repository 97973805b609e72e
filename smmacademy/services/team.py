"""Team membership and the manager dashboard, built from a fixed number of aggregate queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import format_date
from sqlalchemy import and_, case, func, literal, or_, select

from ..content.catalog import Catalog
from ..domain.notifications import ASSIGNMENT
from ..domain.progress import required_modules
from ..domain.team import MemberFacts, member_status, week_ends
from ..extensions import db
from ..i18n import localized
from ..models import Assessment, Assignment, ModuleProgress, User
from ..models.assignment import KIND_ASSESSMENT, KIND_COURSE
from ..models.base import utcnow
from .notifications import notify


@dataclass(frozen=True)
class Scope:
    """Whose people a dashboard shows: a manager's reports (direct or branch) or a department."""

    manager_id: int | None = None
    branch: bool = False
    department_id: int | None = None
    everyone: bool = False


def member_ids_query(scope: Scope):
    """Statement selecting the ids of the active people in ``scope``."""
    active = User.active.is_(True)
    if scope.everyone:
        return select(User.id).where(active)
    if scope.department_id is not None:
        return select(User.id).where(active, User.department_id == scope.department_id)
    if scope.branch:
        reports = select(User.id).where(User.manager_id == scope.manager_id).cte("branch", recursive=True)
        reports = reports.union_all(select(User.id).join(reports, User.manager_id == reports.c.id))
        return select(User.id).where(active, User.id.in_(select(reports.c.id)))
    return select(User.id).where(active, User.manager_id == scope.manager_id)


def _done_expression():
    return or_(ModuleProgress.completed_at.is_not(None), ModuleProgress.quiz_passed_at.is_not(None))


def _current_module_filter(catalog: Catalog):
    """Only progress on modules that still exist, and are not optional, counts toward completion."""
    keys = [f"{m.course_slug}/{m.slug}" for c in catalog.courses.values() for m in required_modules(c)]
    return (ModuleProgress.course_slug + literal("/") + ModuleProgress.module_slug).in_(keys)


@dataclass
class MemberRow:
    user: User
    facts: MemberFacts
    status: str
    completion: float
    assigned: int
    assigned_done: int
    avg_score: float | None
    in_progress: int
    last_activity: datetime | None
    overdue: int
    best_profile: str | None
    best_band: str | None
    assessed: bool
    assignments: list = field(default_factory=list)


@dataclass
class Dashboard:
    rows: list[MemberRow]
    course_completion: list[tuple[str, float]]
    weekly_completion: list[tuple[str, float]]
    team_completion: float
    overdue_total: int
    without_assessment: int


def build_dashboard(catalog: Catalog, scope: Scope, today: date | None = None) -> Dashboard:
    """Every number on the dashboard, from seven queries whatever the team size or data."""
    today = today or date.today()
    ids = member_ids_query(scope).subquery()
    members = db.session.scalars(select(User).where(User.id.in_(select(ids.c.id))).order_by(User.full_name)).all()
    current = _current_module_filter(catalog)
    done = _done_expression()

    # 1. Done modules per person and course (current modules only).
    per_course: dict[tuple[int, str], int] = {}
    done_rows = db.session.execute(
        select(ModuleProgress.user_id, ModuleProgress.course_slug, func.count())
        .where(ModuleProgress.user_id.in_(select(ids.c.id)), current, done)
        .group_by(ModuleProgress.user_id, ModuleProgress.course_slug)
    ).all()
    for user_id, course_slug, count in done_rows:
        per_course[(user_id, course_slug)] = count

    # 2. Activity, scores and modules in progress per person.
    activity = {
        row.user_id: row
        for row in db.session.execute(
            select(
                ModuleProgress.user_id,
                func.max(ModuleProgress.last_seen_at).label("last"),
                func.avg(case((ModuleProgress.attempts > 0, ModuleProgress.best_score))).label("avg_score"),
                func.sum(case((and_(current, ~done), 1), else_=0)).label("in_progress"),
            )
            .where(ModuleProgress.user_id.in_(select(ids.c.id)))
            .group_by(ModuleProgress.user_id)
        ).all()
    }

    # 3. Open assignments of everyone in scope.
    assignments: dict[int, list[Assignment]] = {}
    for assignment in db.session.scalars(
        select(Assignment)
        .where(Assignment.user_id.in_(select(ids.c.id)), Assignment.withdrawn_at.is_(None))
        .order_by(Assignment.due_date.is_(None), Assignment.due_date, Assignment.id)
    ):
        assignments.setdefault(assignment.user_id, []).append(assignment)
    # 4. Done module keys of people with partial (onboarding) assignments; always run,
    # so the number of queries never depends on the data.
    subset_people = {a.user_id for items in assignments.values() for a in items if a.module_slugs}
    done_modules: dict[int, set[tuple[str, str]]] = {}
    for user_id, course_slug, module_slug in db.session.execute(
        select(ModuleProgress.user_id, ModuleProgress.course_slug, ModuleProgress.module_slug).where(
            ModuleProgress.user_id.in_(subset_people), done
        )
    ):
        done_modules.setdefault(user_id, set()).add((course_slug, module_slug))

    # 5. Latest submitted assessment per person.
    latest = (
        select(Assessment.user_id, func.max(Assessment.submitted_at).label("at"))
        .where(Assessment.user_id.in_(select(ids.c.id)), Assessment.submitted_at.is_not(None))
        .group_by(Assessment.user_id)
        .subquery()
    )
    assessed = {
        row.user_id: row
        for row in db.session.execute(
            select(Assessment.user_id, Assessment.best_profile, Assessment.best_band, Assessment.submitted_at).join(
                latest, and_(Assessment.user_id == latest.c.user_id, Assessment.submitted_at == latest.c.at)
            )
        ).all()
    }

    # 6. Team completion at the end of each of the last 12 weeks (one aggregate row).
    ends = week_ends(today, 12)
    completed_at = func.coalesce(ModuleProgress.quiz_passed_at, ModuleProgress.completed_at)
    weekly_counts = db.session.execute(
        select(
            *[
                func.sum(
                    case((completed_at < datetime.combine(end + timedelta(days=1), datetime.min.time()), 1), else_=0)
                )
                for end in ends
            ]
        ).where(ModuleProgress.user_id.in_(select(ids.c.id)), current, done)
    ).one()

    required = {slug: len(required_modules(course)) for slug, course in catalog.courses.items()}
    total_modules = sum(required.values())
    rows = []
    for user in members:
        user_assignments = assignments.get(user.id, [])
        facts = _member_facts(
            catalog, user, user_assignments, per_course, done_modules.get(user.id, set()), assessed.get(user.id), today
        )
        act = activity.get(user.id)
        done_total = sum(per_course.get((user.id, slug), 0) for slug in catalog.courses)
        last = act.last if act else None
        facts.last_activity = last
        rows.append(
            MemberRow(
                user=user,
                facts=facts,
                status=member_status(facts, today),
                completion=100.0 * done_total / total_modules if total_modules else 0.0,
                assigned=facts.assigned,
                assigned_done=facts.assigned_done,
                avg_score=round(act.avg_score, 1) if act and act.avg_score is not None else None,
                in_progress=int(act.in_progress or 0) if act else 0,
                last_activity=last,
                overdue=facts.overdue,
                best_profile=assessed[user.id].best_profile if user.id in assessed else None,
                best_band=assessed[user.id].best_band if user.id in assessed else None,
                assessed=user.id in assessed,
                assignments=user_assignments,
            )
        )
    head = len(members)
    course_completion = [
        (
            localized(course).title,
            100.0 * sum(per_course.get((u.id, slug), 0) for u in members) / (head * required[slug]),
        )
        if head and required[slug]
        else (localized(course).title, 0.0)
        for slug, course in catalog.courses.items()
    ]
    capacity = head * total_modules
    weekly = [
        (format_date(end, "d MMM"), 100.0 * (count or 0) / capacity if capacity else 0.0)
        for end, count in zip(ends, weekly_counts, strict=True)
    ]
    return Dashboard(
        rows=rows,
        course_completion=course_completion,
        weekly_completion=weekly,
        team_completion=sum(r.completion for r in rows) / head if head else 0.0,
        overdue_total=sum(r.overdue for r in rows),
        without_assessment=sum(1 for r in rows if not r.assessed),
    )


def _member_facts(catalog, user, user_assignments, per_course, done_keys, assessment_row, today) -> MemberFacts:
    assigned = assigned_done = overdue = due_soon = 0
    for assignment in user_assignments:
        complete = assignment_complete(catalog, assignment, per_course, done_keys, assessment_row, user.id)
        assigned += 1
        assigned_done += complete
        if assignment.due_date and not complete:
            if assignment.due_date < today:
                overdue += 1
            elif assignment.due_date <= today + timedelta(days=7):
                due_soon += 1
    return MemberFacts(
        assigned=assigned,
        assigned_done=assigned_done,
        overdue=overdue,
        due_soon=due_soon,
        last_activity=None,
        created_at=user.created_at,
    )


def assignment_complete(catalog, assignment, per_course, done_keys, assessment_row, user_id) -> bool:
    """Whether an assignment is fulfilled, derived from progress and assessments."""
    if assignment.kind == KIND_ASSESSMENT:
        return assessment_row is not None and assessment_row.submitted_at >= assignment.created_at
    if assignment.kind != KIND_COURSE:
        return False
    course = catalog.courses.get(assignment.course_slug or "")
    if course is None:
        return False
    if assignment.module_slugs:
        wanted = [s for s in assignment.module_slugs if course.module(s)]
        return bool(wanted) and all((course.slug, s) in done_keys for s in wanted)
    return per_course.get((user_id, course.slug), 0) >= len(required_modules(course)) > 0


def assign(
    assigner: User, people: list[User], kind: str, course_slug: str | None, due: date | None, note: str
) -> tuple[int, int]:
    """Assign to each person unless the same open assignment exists; returns (created, updated)."""
    created = updated = 0
    for person in people:
        existing = db.session.scalar(
            select(Assignment).where(
                Assignment.user_id == person.id,
                Assignment.kind == kind,
                Assignment.course_slug.is_(None) if course_slug is None else Assignment.course_slug == course_slug,
                Assignment.withdrawn_at.is_(None),
                Assignment.module_slugs.is_(None),
            )
        )
        if existing:
            existing.due_date, existing.note, existing.updated_at = due, note, utcnow()
            existing.assigned_by_id = assigner.id
            updated += 1
        else:
            existing = Assignment(
                user_id=person.id,
                kind=kind,
                course_slug=course_slug,
                due_date=due,
                note=note,
                assigned_by_id=assigner.id,
            )
            db.session.add(existing)
            created += 1
        notify(ASSIGNMENT, assignment=existing)
    db.session.commit()
    return created, updated
