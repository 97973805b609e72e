"""Individual development plans: reading their inputs, building, agreeing, completing, the dashboard's plan column.

Rules live in :mod:`smmacademy.domain.plans`; this module owns the queries and
transactions. Every state change is a conditional write (``UPDATE … WHERE
state = …``) or runs under :func:`~smmacademy.database.begin_locked`, so the
same form sent twice changes things once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import select, update

from ..content.catalog import Catalog
from ..database import begin_locked
from ..domain import plans as rules
from ..domain.progress import done_keys
from ..extensions import db
from ..models import DevelopmentPlan, PlanItem, ReviewRound, User
from ..models.base import utcnow
from . import learning_records, management
from .agreed_levels import agreed_levels, latest_calibrated, target_profile

# --- Access ---------------------------------------------------------------------------------------------

# Who sees a plan and who leads it (builds, agrees, reopens, confirms) are the development rules of
# services.management, shared with reviews.
can_view_plan = management.can_see_development
can_lead_plan = management.can_lead_development


def can_edit_plan(viewer: User, plan: DevelopmentPlan) -> bool:
    """Who changes a draft's items and adds own actions: the person and whoever leads the plan."""
    return viewer.id == plan.user_id or can_lead_plan(viewer, plan.user_id)


def may(viewer: User, plan: DevelopmentPlan, action: str) -> bool:
    """Whether ``viewer`` may ``view``, ``edit`` or ``lead`` (agree, reopen, confirm) ``plan``."""
    if action == "lead":
        return can_lead_plan(viewer, plan.user_id)
    if action == "edit":
        return can_edit_plan(viewer, plan)
    return can_view_plan(viewer, plan.user_id)


# --- Inputs: the calibrated levels and the target role come from services.reviews -------------------


def plan_inputs(user_id: int, framework) -> tuple[ReviewRound | None, dict[str, float], str | None]:
    """The newest calibrated round, its agreed levels and the profile to plan against.

    The profile is the one the person chose to grow into, else the best fit (else the nearest) on
    the agreed levels.
    """
    review = latest_calibrated(user_id)
    levels = {cid: float(level) for cid, level in agreed_levels(user_id).items()}
    chosen = target_profile(user_id)
    if chosen in framework.profiles:
        return review, levels, chosen
    if not levels or not framework.profiles:
        return review, levels, None
    return review, levels, rules.fallback_profile(framework.snapshot(), levels)


# --- Reading --------------------------------------------------------------------------------------------


def targets_of(framework, profile_id: str) -> dict[str, tuple[int, int]]:
    """A profile's (level, weight) per competency from the framework loader."""
    return {cid: (t.level, t.weight) for cid, t in framework.profiles[profile_id].targets.items()}


def done_modules(catalog: Catalog, user_id: int) -> frozenset[tuple[str, str]]:
    """The person's done (course, module) pairs (domain.progress.module_done), one query."""
    return frozenset(done_keys(catalog.courses.values(), learning_records.progress_rows(user_id)))


def learner_of(catalog: Catalog, user: User) -> rules.Learner:
    """What module availability depends on for ``user``."""
    return rules.Learner(user.role, user.department_key or "", done_modules(catalog, user.id))


def latest_plan(user_id: int) -> DevelopmentPlan | None:
    """The person's plan to show: the newest one that is not done, else the newest done one."""
    current = db.session.scalar(DevelopmentPlan.current_for(user_id))
    if current is not None:
        return current
    return db.session.scalar(
        select(DevelopmentPlan)
        .where(DevelopmentPlan.user_id == user_id)
        .order_by(DevelopmentPlan.created_at.desc(), DevelopmentPlan.id.desc())
        .limit(1)
    )


def plan_by_id(plan_id: int) -> DevelopmentPlan | None:
    """One plan, or None."""
    return db.session.get(DevelopmentPlan, plan_id)


def item_by_id(item_id: int) -> PlanItem | None:
    """One plan item, or None."""
    return db.session.get(PlanItem, item_id)


def recommendations(catalog: Catalog, user: User, levels: dict[str, float], targets) -> list:
    """The self-assessment result's "start with these": the plan-building rule on self-rated levels."""
    return rules.pick_items(levels, targets, catalog, learner_of(catalog, user))


# --- Building and states --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildOutcome:
    """What building a plan did: the plan (new or the one already there), or why there is none."""

    plan: DevelopmentPlan | None
    created: bool
    problem: str | None = None


def build(viewer: User, person: User, catalog: Catalog, days: int, today: date | None = None) -> BuildOutcome:
    """Build a draft plan from the person's agreed levels against their target profile (exactly once).

    Items store their target level, not a goal text: each reader sees the goal in
    their own language (:func:`.plan_views.goal_text`). When the person already has
    a plan that is not done, that plan is returned.
    """
    today = today or date.today()
    framework = catalog.framework
    review, levels, profile_id = plan_inputs(person.id, framework)
    if not levels:
        return BuildOutcome(None, False, gettext("There are no agreed levels yet: calibrate a review round first."))
    picked = rules.pick_items(levels, targets_of(framework, profile_id), catalog, learner_of(catalog, person))
    if not picked:
        return BuildOutcome(
            None, False, gettext("The agreed levels meet every target of this profile: no gap to plan.")
        )
    begin_locked(rows=select(User.id).where(User.id == person.id))
    existing = db.session.scalar(DevelopmentPlan.current_for(person.id))
    if existing is not None:
        db.session.commit()
        return BuildOutcome(existing, False)
    plan = DevelopmentPlan(
        user_id=person.id, round_id=review.id if review else None, profile_id=profile_id, created_by_id=viewer.id
    )
    due = rules.due_date(today, days)
    for position, entry in enumerate(picked):
        plan.items.append(
            PlanItem(
                position=position,
                kind=rules.KIND_COMPETENCY,
                competency_id=entry.competency_id,
                gap=entry.gap,
                target=entry.target,
                modules=[rules.module_key(m) for m in entry.modules],
                due_date=due,
                added_by_id=viewer.id,
            )
        )
    db.session.add(plan)
    db.session.commit()
    return BuildOutcome(plan, True)


def _transition(plan: DevelopmentPlan, source: tuple[str, ...], **values) -> bool:
    """Move the plan out of ``source`` states; False when another request already did (or it is elsewhere)."""
    result = db.session.execute(
        update(DevelopmentPlan)
        .where(DevelopmentPlan.id == plan.id, DevelopmentPlan.state.in_(source))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(plan)
    return result.rowcount == 1


def agree(viewer: User, plan: DevelopmentPlan, catalog: Catalog) -> bool:
    """Agree a draft (the caller checked ``can_lead_plan``); items already done complete at once."""
    changed = _transition(plan, (rules.DRAFT,), state=rules.AGREED, agreed_by_id=viewer.id, agreed_at=utcnow())
    if changed:
        sync(catalog, plan.user_id)
    return changed


def start(plan: DevelopmentPlan) -> bool:
    """The person starts an agreed plan explicitly."""
    return _transition(plan, (rules.AGREED,), state=rules.IN_PROGRESS)


def reopen(plan: DevelopmentPlan) -> bool:
    """Send an agreed or running plan back to draft so its items can change; it must be agreed again."""
    return _transition(plan, (rules.AGREED, rules.IN_PROGRESS), state=rules.DRAFT, agreed_by_id=None, agreed_at=None)


def update_item(item: PlanItem, goal: str, due: date | None, built_wording: str | None = None) -> bool:
    """Change a draft item's goal and due date; False when the plan is no longer a draft.

    ``built_wording`` is the built goal as the editor saw it: sent back unchanged, the
    goal stays built and keeps following each reader's language.
    """
    plan = plan_by_id(item.plan_id)
    if not rules.may_edit(plan.state):
        return False
    item.goal = "" if built_wording is not None and goal == built_wording else goal
    item.due_date = due
    db.session.commit()
    return True


def remove_item(item: PlanItem) -> bool:
    """Remove an item from a draft; False when the plan is no longer a draft."""
    plan = plan_by_id(item.plan_id)
    if not rules.may_edit(plan.state):
        return False
    db.session.delete(item)
    db.session.commit()
    return True


def add_own(viewer: User, plan: DevelopmentPlan, goal: str, due: date | None) -> PlanItem | None:
    """Add an own action (a book, shadowing a colleague); the same text twice adds it once.

    None when the plan is done and takes no more actions.
    """
    begin_locked(rows=select(DevelopmentPlan.id).where(DevelopmentPlan.id == plan.id))
    db.session.refresh(plan)
    if not rules.may_add_own(plan.state):
        db.session.commit()
        return None
    same = next((i for i in plan.items if i.kind == rules.KIND_OWN and i.goal == goal), None)
    if same is not None:
        db.session.commit()
        return same
    item = PlanItem(
        kind=rules.KIND_OWN,
        goal=goal,
        due_date=due,
        position=max((i.position for i in plan.items), default=-1) + 1,
        added_by_id=viewer.id,
    )
    plan.items.append(item)
    db.session.commit()
    return item


def confirm(viewer: User, item: PlanItem, catalog: Catalog) -> bool:
    """A manager confirms an own action (or a competency item without modules), which completes it; once."""
    if not rules.needs_confirmation(item.kind, item.modules):
        return False
    now = utcnow()
    result = db.session.execute(
        update(PlanItem)
        .where(PlanItem.id == item.id, PlanItem.confirmed_at.is_(None))
        .values(confirmed_by_id=viewer.id, confirmed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(item)
    if result.rowcount == 1:
        sync(catalog, item_owner(item))
    return result.rowcount == 1


def item_owner(item: PlanItem) -> int:
    """The id of the person whose plan holds ``item``."""
    return db.session.scalar(select(DevelopmentPlan.user_id).where(DevelopmentPlan.id == item.plan_id))


def sync(catalog: Catalog, user_id: int) -> DevelopmentPlan | None:
    """Complete the person's items that became done and move the plan on (domain.plans rules).

    Called where a module becomes done (services.learning) and after agreeing or
    confirming; derived from the progress rows, so running it twice changes nothing.
    """
    plan = db.session.scalar(DevelopmentPlan.current_for(user_id))
    if plan is None:
        return None
    rows = learning_records.progress_rows(user_id)
    done = done_keys(catalog.courses.values(), rows)
    now = utcnow()
    flags = []
    for item in plan.items:
        finished = rules.item_done(item.kind, item.modules, done, item.confirmed_at is not None)
        if finished and item.done_at is None:
            item.done_at = now
        flags.append(item.done_at is not None)
    planned = {rules.split_key(key) for item in plan.items for key in item.modules or ()}
    state = rules.next_state(plan.state, flags, active=bool(planned & set(rows)))
    if state != plan.state:
        plan.state = state
        if state == rules.DONE:
            plan.done_at = now
    db.session.commit()
    return plan


def after_module_done(catalog: Catalog, user_id: int) -> None:
    """The hook services.learning calls when a module pass or read is recorded."""
    sync(catalog, user_id)
