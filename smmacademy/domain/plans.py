"""Individual development plans (ИПР): which competencies to work on, with which modules, and plan states.

Pure rules, no Flask and no database: the service (``services/plans.py``) feeds
them levels, profile targets, the catalog and the person's done modules.

Building a plan (:func:`pick_items`), also used for the self-assessment result's
"start with these" list, so there is one rule for turning gaps into modules:

* Only competencies with a known level and a positive gap to the profile target
  count (a competency without a level is unknown, not zero).
* They are ranked by weighted gap, ``(target - level) x weight``, biggest first;
  ties are broken by competency id (``scoring.gaps_and_strengths``), so the
  same input always gives the same plan.
* The cut: the first ``MIN_ITEMS`` (3) always; the 4th and 5th only while their
  weighted gap is at least half the biggest one (a plan stays focused); never
  more than ``MAX_ITEMS`` (5).
* Each competency gets at most ``MODULES_PER_ITEM`` (3) modules tagged with it:
  not yet done by the person, allowed by the course's (and module's) audience,
  not already used by a higher-ranked competency; modules the person can open
  now come before modules of courses locked by prerequisites, then catalog order.

States: draft -> agreed (by a manager up the line or an admin) -> in progress
(first activity: a planned module or an item done; or the person starts it) ->
done (every item done). Edits (remove an item, change a goal or a due date) are
allowed only in draft; after agreement the manager reopens the plan, which sends
it back to draft to be agreed again. Own actions may be added until the plan is
done; a manager's confirmation completes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from ..content.audience import EVERYONE
from . import scoring
from .progress import missing_prerequisites, modules_complete
from .results import AssessmentResult, ProfileFit
from .scoring import N_

MIN_ITEMS = 3
MAX_ITEMS = 5
MODULES_PER_ITEM = 3
# Items past MIN_ITEMS stay only while their weighted gap is at least this share of the biggest.
EXTRA_ITEM_SHARE = 0.5
DEFAULT_DUE_DAYS = 90

DRAFT = "draft"
AGREED = "agreed"
IN_PROGRESS = "in_progress"
DONE = "done"

# What the team dashboard shows per person (plan_status).
NO_PLAN = "no_plan"
PLAN_DRAFT = "draft"
ON_TRACK = "on_track"
BEHIND = "behind"
PLAN_DONE = "done"
PLAN_STATUSES = (ON_TRACK, BEHIND, PLAN_DRAFT, PLAN_DONE, NO_PLAN)

KIND_COMPETENCY = "competency"
KIND_OWN = "own"


GOAL_TEXT = N_("Reach level %(level)s in %(competency)s")


@dataclass(frozen=True)
class Learner:
    """What availability depends on: role, department and the (course, module) pairs already done."""

    role: str
    department: str
    done: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class PlannedCompetency:
    """One competency picked for a plan, with the modules that teach it."""

    competency_id: str
    level: float
    target: int
    weight: int
    gap: float  # weighted
    modules: tuple  # content Module objects, best first


def module_key(module) -> str:
    """The "course-slug/module-slug" key a plan item stores for a module."""
    return f"{module.course_slug}/{module.slug}"


def split_key(key: str) -> tuple[str, str]:
    """(course slug, module slug) of a stored module key."""
    course_slug, _, module_slug = key.partition("/")
    return course_slug, module_slug


def audience_allows(audience: Iterable[str], role: str, department: str) -> bool:
    """Whether a course or module audience includes the person: empty or "everyone", their role or department."""
    wanted = {a.casefold() for a in audience}
    if not wanted or EVERYONE in wanted:
        return True
    return bool({role.casefold(), (department or "").casefold()} & wanted - {""})


def weighted_gaps(levels: Mapping[str, float], targets: Mapping[str, tuple[int, int]]) -> list[dict]:
    """Competencies with a known level below their target, biggest weighted gap first (ties by id)."""
    known = {cid: target for cid, target in targets.items() if cid in levels}
    gaps, _strengths = scoring.gaps_and_strengths(dict(levels), known)
    for entry in gaps:
        entry["gap"] = round((entry["target"] - entry["level"]) * entry["weight"], 2)
    return [entry for entry in gaps if entry["gap"] > 0]


def cut(gaps: list[dict]) -> list[dict]:
    """The 3-5 competencies a plan takes from ranked gaps (rule in the module docstring)."""
    if not gaps:
        return []
    floor = gaps[0]["gap"] * EXTRA_ITEM_SHARE
    return [entry for index, entry in enumerate(gaps[:MAX_ITEMS]) if index < MIN_ITEMS or entry["gap"] >= floor]


def teaching_modules(catalog, competency_id: str, learner: Learner, used: set[str]) -> list:
    """Modules that teach a competency and suit the person, available ones before locked ones."""
    completed = {slug for slug, course in catalog.courses.items() if modules_complete(course, learner.done)}
    ranked = []
    for order, module in enumerate(catalog.modules_for_competency(competency_id)):
        course = catalog.courses[module.course_slug]
        if (module.course_slug, module.slug) in learner.done or module_key(module) in used:
            continue
        if not (
            audience_allows(course.audience, learner.role, learner.department)
            and audience_allows(module.audience, learner.role, learner.department)
        ):
            continue
        locked = bool(missing_prerequisites(course, completed))
        ranked.append((locked, order, module))
    ranked.sort(key=lambda entry: entry[:2])
    return [module for _locked, _order, module in ranked]


def pick_items(
    levels: Mapping[str, float],
    targets: Mapping[str, tuple[int, int]],
    catalog,
    learner: Learner,
    modules_per_item: int = MODULES_PER_ITEM,
) -> list[PlannedCompetency]:
    """The competencies a plan works on, each with its few modules (rules in the module docstring)."""
    used: set[str] = set()
    picked = []
    for entry in cut(weighted_gaps(levels, targets)):
        modules = teaching_modules(catalog, entry["competency"], learner, used)[:modules_per_item]
        used.update(module_key(m) for m in modules)
        picked.append(
            PlannedCompetency(
                entry["competency"], entry["level"], entry["target"], entry["weight"], entry["gap"], tuple(modules)
            )
        )
    return picked


def fallback_profile(snapshot: dict, levels: Mapping[str, float]) -> str:
    """The profile to plan against when the person chose none: the best fit on these levels, else the nearest."""
    fits = {pid: scoring.profile_fit(dict(levels), p["targets"]) for pid, p in snapshot["profiles"].items()}
    best = scoring.best_fit(snapshot, fits)
    result = AssessmentResult(
        dict(levels), {pid: ProfileFit(fit, scoring.band(fit)) for pid, fit in fits.items()}, best
    )
    return result.shown_profile


def due_date(today: date, days: int = DEFAULT_DUE_DAYS) -> date:
    """The suggested due date of a new plan's items."""
    return today + timedelta(days=days)


def item_done(kind: str, modules: Iterable[str] | None, done: Iterable[tuple[str, str]], confirmed: bool) -> bool:
    """THE "plan item done" rule.

    An own action is done when a manager confirmed it. A competency item is
    done when every one of its modules is done (``done`` holds the person's done
    (course, module) pairs, from ``progress.module_done``); an item without
    modules has nothing to complete itself with, so it needs a confirmation too.
    """
    keys = list(modules or ())
    if kind == KIND_OWN or not keys:
        return confirmed
    finished = set(done)
    return all(split_key(key) in finished for key in keys)


def needs_confirmation(kind: str, modules: Iterable[str] | None) -> bool:
    """Whether an item completes only by a manager's confirmation (see ``item_done``)."""
    return kind == KIND_OWN or not list(modules or ())


def item_behind(due: date | None, done: bool, today: date) -> bool:
    """An item is behind when its due date has passed and it is not done."""
    return not done and due is not None and due < today


def next_state(state: str, items_done: list[bool], active: bool) -> str:
    """The state a plan moves to after learning: agreed -> in progress on activity, -> done when all done."""
    if state not in (AGREED, IN_PROGRESS):
        return state
    if items_done and all(items_done):
        return DONE
    if state == AGREED and (active or any(items_done)):
        return IN_PROGRESS
    return state


def plan_status(state: str | None, items: Iterable[tuple[date | None, bool]], today: date) -> str:
    """What the team dashboard shows: no plan, draft, done, else behind (an item is behind) or on track."""
    if state is None:
        return NO_PLAN
    if state == DRAFT:
        return PLAN_DRAFT
    if state == DONE:
        return PLAN_DONE
    return BEHIND if any(item_behind(due, done, today) for due, done in items) else ON_TRACK


def may_edit(state: str) -> bool:
    """Items, goals and due dates change only while the plan is a draft."""
    return state == DRAFT


def may_add_own(state: str) -> bool:
    """Own actions may be added until the plan is done."""
    return state != DONE
