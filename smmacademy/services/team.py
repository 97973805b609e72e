"""Team membership and the manager dashboard, built from a fixed number of aggregate queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import format_date
from sqlalchemy import and_, case, false, func, literal, or_, select

from ..content.catalog import Catalog
from ..domain.notifications import ASSIGNMENT
from ..domain.plans import NO_PLAN
from ..domain.progress import done_field, required_modules
from ..domain.team import COMPLETE, DUE_SOON, OVERDUE, MemberFacts, assignment_state, member_status, week_ends
from ..extensions import db
from ..i18n import localized
from ..models import Assessment, Assignment, ModuleProgress, User
from ..models.base import utcnow
from .assignments import assignment_complete
from .management import branch_ids
from .notifications import notify
from .plan_views import statuses_for as plan_statuses


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
        return select(User.id).where(active, User.id.in_(branch_ids(scope.manager_id)))
    return select(User.id).where(active, User.manager_id == scope.manager_id)


def _module_key():
    return ModuleProgress.course_slug + literal("/") + ModuleProgress.module_slug


def _keys_by_done_field(catalog: Catalog) -> dict[str, list[str]]:
    """Current module keys grouped by the column that says they are done (domain.progress.done_field)."""
    grouped: dict[str, list[str]] = {}
    for course in catalog.courses.values():
        for module in course.modules:
            grouped.setdefault(done_field(module.has_quiz), []).append(f"{course.slug}/{module.slug}")
    return grouped


def done_expression(catalog: Catalog):
    """SQL twin of ``domain.progress.module_done``, built from ``done_field`` (the one place it is built)."""
    key = _module_key()
    return or_(
        false(),
        *[
            and_(key.in_(keys), getattr(ModuleProgress, column).is_not(None))
            for column, keys in _keys_by_done_field(catalog).items()
        ],
    )


def done_at_expression(catalog: Catalog):
    """SQL twin of ``domain.progress.done_at``: when a current module became done."""
    key = _module_key()
    whens = [(key.in_(keys), getattr(ModuleProgress, column)) for column, keys in _keys_by_done_field(catalog).items()]
    return case(*whens, else_=None) if whens else literal(None)


def current_module_filter(catalog: Catalog):
    """Only progress on modules that still exist, and are not optional, counts toward completion."""
    keys = [f"{c.slug}/{m.slug}" for c in catalog.courses.values() for m in required_modules(c)]
    return _module_key().in_(keys)


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
    plan: str = NO_PLAN  # domain.plans.plan_status


@dataclass
class Dashboard:
    rows: list[MemberRow]
    course_completion: list[tuple[str, float]]
    weekly_completion: list[tuple[str, float]]
    team_completion: float
    overdue_total: int
    without_assessment: int


def build_dashboard(catalog: Catalog, scope: Scope, today: date | None = None) -> Dashboard:
    """Every number on the dashboard, from eight queries whatever the team size or data."""
    today = today or date.today()
    ids = member_ids_query(scope).subquery()
    members = db.session.scalars(select(User).where(User.id.in_(select(ids.c.id))).order_by(User.full_name)).all()
    current = current_module_filter(catalog)
    done = done_expression(catalog)

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
    # 4. Done module keys of people with open assignments, for assignment completion;
    # always run, so the number of queries never depends on the data.
    assigned_people = set(assignments)
    done_modules: dict[int, set[tuple[str, str]]] = {}
    for user_id, course_slug, module_slug in db.session.execute(
        select(ModuleProgress.user_id, ModuleProgress.course_slug, ModuleProgress.module_slug).where(
            ModuleProgress.user_id.in_(assigned_people), done
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
    completed_at = done_at_expression(catalog)
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

    # 7. The plan column: each person's newest development plan and its items (one query).
    plans = plan_statuses(select(ids.c.id), today)

    required = {slug: len(required_modules(course)) for slug, course in catalog.courses.items()}
    total_modules = sum(required.values())
    rows = []
    for user in members:
        user_assignments = assignments.get(user.id, [])
        assessment_row = assessed.get(user.id)
        facts = _member_facts(
            catalog,
            user,
            user_assignments,
            done_modules.get(user.id, set()),
            assessment_row.submitted_at if assessment_row else None,
            today,
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
                plan=plans.get(user.id, NO_PLAN),
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


def _member_facts(catalog, user, user_assignments, done_keys, assessed_at, today) -> MemberFacts:
    states = [
        assignment_state(a.due_date, assignment_complete(catalog, a, done_keys, assessed_at), today)
        for a in user_assignments
    ]
    return MemberFacts(
        assigned=len(states),
        assigned_done=states.count(COMPLETE),
        overdue=states.count(OVERDUE),
        due_soon=states.count(DUE_SOON),
        last_activity=None,
        created_at=user.created_at,
    )


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
