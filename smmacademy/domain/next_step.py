"""What a person should do next: on a course page (Start / Continue / Review) and on the home page.

No database access: the callers pass the person's progress rows and their open
assignments with the state domain.team gave them. Progress, "module done" and
the course target come from domain.progress; nothing here redefines them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .progress import (
    DONE_STATES,
    completed_course_slugs,
    course_progress,
    missing_prerequisites,
    recommended_for_department,
    required_modules,
    target_modules,
)
from .team import COMPLETE, OVERDUE, WITHDRAWN

START = "start"
CONTINUE = "continue"
REVIEW = "review"
ASSESSMENT = "assessment"

KIND_ASSESSMENT = "assessment"  # models.assignment.KIND_ASSESSMENT (models are not Flask-free)


@dataclass(frozen=True)
class CourseStep:
    """The course page's main button: what it says and which module it opens."""

    action: str  # START, CONTINUE or REVIEW
    module: object
    beyond_target: bool = False  # the person's own target is done; this carries on with the rest


def _done(status: str) -> bool:
    return status in DONE_STATES


def course_step(course, rows: Mapping, target: Iterable[str] | None = None) -> CourseStep | None:
    """Start, Continue or Review for one course, in module order.

    * Start: nothing of the course opened yet; the first module of the person's target.
    * Continue: the first unfinished module of the target; once the target is
      done (onboarding asked for 2 of 9), the first unfinished required module of the rest.
    * Review: every required module is done; back to the first module.
    None for a course without modules.
    """
    if not course.modules:
        return None
    statuses = course_progress(course, rows, target).statuses
    pending = [m for m in target_modules(course, target) if not _done(statuses[m.slug])]
    beyond = False
    if not pending:
        pending = [m for m in required_modules(course) if not _done(statuses[m.slug])]
        beyond = bool(pending)
    if not pending:
        return CourseStep(REVIEW, course.modules[0])
    started = any(rows.get((course.slug, m.slug)) is not None for m in course.modules)
    return CourseStep(CONTINUE if started else START, pending[0], beyond)


@dataclass(frozen=True)
class Assigned:
    """One open assignment as the home page's next step needs it (state from domain.team)."""

    kind: str
    course_slug: str | None
    module_slugs: tuple[str, ...] | None
    due: date | None
    state: str


@dataclass(frozen=True)
class NextStep:
    """The one thing the home page offers first."""

    action: str  # START, CONTINUE or ASSESSMENT
    course: object | None = None
    module: object | None = None
    assigned: Assigned | None = None  # the assignment this step serves, if any
    unlocks: object | None = None  # the course this prerequisite opens, when the step is a prerequisite
    recommended: bool = False  # recommended for the person's department


def _assigned_order(item: tuple[int, Assigned]):
    index, assigned = item
    return (assigned.state != OVERDUE, assigned.due is None, assigned.due or date.max, index)


def _unlocked(course, courses: Mapping, completed: set[str]):
    """The course itself, or the first course that must be completed before it (prerequisites, in order)."""
    seen = set()
    while course.slug not in seen:
        seen.add(course.slug)
        missing = [slug for slug in missing_prerequisites(course, completed) if slug in courses]
        if not missing:
            return course
        course = courses[missing[0]]
    return None  # a cycle; the content check refuses those, so this is only a guard


def next_steps(
    courses: Mapping,
    rows: Mapping,
    assigned: Iterable[Assigned],
    department: str = "",
    targets: Mapping[str, list[str] | None] | None = None,
) -> list[NextStep]:
    """Every next step in order; the home page shows the first.

    1. Unfinished assignments: overdue first, then by due date, undated last.
       A course behind a prerequisite leads to that prerequisite first.
    2. The rest of the catalogue the person can open: courses in progress
       (most recent first), then those recommended for their department (``department``: its key), then
       catalogue order. A course counts as finished when the person's target
       for it (``targets``: slug -> module slugs, None = whole course) is done.
    An empty list: everything is done.
    """
    targets = targets or {}
    completed = completed_course_slugs(courses.values(), rows)
    steps: list[NextStep] = []
    planned: set[str] = set()

    def course_entry(course, assigned_item=None, recommended=False):
        reachable = _unlocked(course, courses, completed)
        if reachable is None or reachable.slug in planned:
            return
        # A prerequisite must be completed whole; the person's own course counts against their target.
        target = targets.get(reachable.slug) if reachable is course else None
        if course_progress(reachable, rows, target).complete:
            return
        step = course_step(reachable, rows, target)
        if step is None or step.action == REVIEW:
            return
        planned.add(reachable.slug)
        steps.append(
            NextStep(
                step.action,
                reachable,
                step.module,
                assigned_item,
                course if reachable is not course else None,
                recommended,
            )
        )

    pending = [a for a in assigned if a.state not in (COMPLETE, WITHDRAWN)]
    for _index, item in sorted(enumerate(pending), key=_assigned_order):
        if item.kind == KIND_ASSESSMENT:
            steps.append(NextStep(ASSESSMENT, assigned=item))
        elif item.course_slug in courses:
            course_entry(courses[item.course_slug], item)

    def rest_order(course):
        progress = course_progress(course, rows, targets.get(course.slug))
        seen = progress.last_seen_at.timestamp() if progress.in_progress and progress.last_seen_at else 0.0
        return (not progress.in_progress, -seen, not recommended_for_department(course, department))

    for course in sorted(courses.values(), key=rest_order):  # sorted() is stable: catalogue order breaks ties
        course_entry(course, recommended=recommended_for_department(course, department))
    return steps


def resume_step(courses: Mapping, rows: Mapping, targets: Mapping[str, list[str] | None] | None = None):
    """The module in progress: where the person last worked, unless that course is finished for them.

    The module last opened when it is not done yet, else the course's next
    module (``course_step``). None when nothing was opened, or the course last
    worked on is complete against the person's target (then "Start next" leads).
    """
    targets = targets or {}
    latest = max(rows.values(), key=lambda row: row.last_seen_at, default=None)
    course = courses.get(latest.course_slug) if latest is not None else None
    if course is None:
        return None
    target = targets.get(course.slug)
    progress = course_progress(course, rows, target)
    if progress.complete:
        return None
    current = course.module(latest.module_slug)
    if current is not None and current.slug in progress.statuses and not _done(progress.statuses[current.slug]):
        return NextStep(CONTINUE, course, current)
    step = course_step(course, rows, target)
    return NextStep(CONTINUE, course, step.module) if step is not None and step.action != REVIEW else None


def home_steps(
    courses: Mapping,
    rows: Mapping,
    assigned: Iterable[Assigned],
    department: str = "",
    targets: Mapping[str, list[str] | None] | None = None,
) -> tuple[NextStep | None, NextStep | None]:
    """The home page's (continue, start next): the module in progress, and the first other next step.

    Both None: everything assigned and open to the person is done.
    """
    resume = resume_step(courses, rows, targets)
    upcoming = (
        step
        for step in next_steps(courses, rows, assigned, department, targets)
        if resume is None or step.course is None or step.course.slug != resume.course.slug
    )
    return resume, next(upcoming, None)
