"""What pages show of development plans: the home page's next step, the plan's items, the dashboard's plan column.

Rules come from :mod:`smmacademy.domain.plans`; loading and changing plans is in :mod:`.plans`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from ..content.catalog import Catalog
from ..domain import plans as rules
from ..extensions import db
from ..models import DevelopmentPlan, PlanItem
from .plans import done_modules


def built_goal(item: PlanItem, competencies: dict) -> str | None:
    """The goal a built item names (reach its target level), in the language of ``competencies``; None otherwise.

    ``competencies`` is the framework's competencies in the reader's language.
    """
    if item.competency_id is None or item.target is None:
        return None
    competency = competencies.get(item.competency_id)
    name = competency.name if competency else item.competency_id
    return gettext(rules.GOAL_TEXT, level=item.target, competency=name)


def goal_text(item: PlanItem, competencies: dict) -> str:
    """An item's goal as its reader sees it: what someone typed, else the built goal in the reader's language."""
    return item.goal or built_goal(item, competencies) or ""


@dataclass(frozen=True)
class NextStep:
    """What the home page suggests: a module to open, an item to do, or waiting for agreement."""

    plan: DevelopmentPlan
    item: PlanItem | None
    module: object | None  # content Module
    waiting: bool
    goal: str = ""  # the item's goal in the reader's language


def next_step(catalog: Catalog, user_id: int, competencies: dict) -> NextStep | None:
    """The next step of the person's current plan, or None without one (goals worded from ``competencies``)."""
    plan = db.session.scalar(DevelopmentPlan.current_for(user_id))
    if plan is None:
        return None
    if plan.state == rules.DRAFT:
        return NextStep(plan, None, None, True)
    done = done_modules(catalog, user_id)
    for item in plan.items:
        if item.done_at is not None:
            continue
        goal = goal_text(item, competencies)
        for key in item.modules or ():
            if rules.split_key(key) not in done:
                module = catalog.module(*rules.split_key(key))
                if module is not None:
                    return NextStep(plan, item, module, False, goal)
        return NextStep(plan, item, None, False, goal)
    return NextStep(plan, None, None, False)


def statuses_for(ids, today: date | None = None) -> dict[int, str]:
    """Plan status (domain.plans.plan_status) per person of ``ids`` (a select of user ids), in one query."""
    today = today or date.today()
    rows = db.session.execute(
        select(DevelopmentPlan.user_id, DevelopmentPlan.id, DevelopmentPlan.state, PlanItem.due_date, PlanItem.done_at)
        .outerjoin(PlanItem, PlanItem.plan_id == DevelopmentPlan.id)
        .where(DevelopmentPlan.user_id.in_(ids))
        .order_by(DevelopmentPlan.user_id, DevelopmentPlan.created_at, DevelopmentPlan.id)
    ).all()
    newest: dict[int, tuple[int, str]] = {}
    items: dict[int, list] = {}
    for user_id, plan_id, state, due, done_at in rows:
        newest[user_id] = (plan_id, state)  # rows come oldest plan first: the last one wins
        if due is not None or done_at is not None:
            items.setdefault(plan_id, []).append((due, done_at is not None))
    return {
        user_id: rules.plan_status(state, items.get(plan_id, []), today) for user_id, (plan_id, state) in newest.items()
    }


def item_views(catalog: Catalog, plan: DevelopmentPlan, competencies: dict, today: date | None = None) -> list[dict]:
    """Each item with its goal in the reader's language (from ``competencies``), its modules (content objects
    and whether done) and whether it is behind."""
    today = today or date.today()
    done = done_modules(catalog, plan.user_id)
    views = []
    for item in plan.items:
        modules = [
            (key, catalog.module(*rules.split_key(key)), rules.split_key(key) in done) for key in item.modules or ()
        ]
        views.append(
            {
                "item": item,
                "goal": goal_text(item, competencies),
                "modules": modules,
                "done": item.done_at is not None,
                "behind": plan.state not in (rules.DRAFT, rules.DONE)
                and rules.item_behind(item.due_date, item.done_at is not None, today),
                "confirmable": rules.needs_confirmation(item.kind, item.modules) and item.confirmed_at is None,
            }
        )
    return views


def plan_status_of(plan: DevelopmentPlan | None, today: date | None = None) -> str:
    """The dashboard status of one loaded plan (same rule as :func:`statuses_for`)."""
    if plan is None:
        return rules.NO_PLAN
    items = [(i.due_date, i.done_at is not None) for i in plan.items]
    return rules.plan_status(plan.state, items, today or date.today())
