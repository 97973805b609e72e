"""Progress aggregation from stored rows and the catalog (no database access)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..content.audience import EVERYONE

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
QUIZ_PASSED = "quiz_passed"
DONE_STATES = (COMPLETED, QUIZ_PASSED)


class ProgressRow(Protocol):
    course_slug: str
    module_slug: str
    started_at: datetime
    last_seen_at: datetime
    completed_at: datetime | None
    quiz_passed_at: datetime | None
    best_score: float | None
    latest_score: float | None
    attempts: int


def counts_toward_completion(module) -> bool:
    """Whether a module is needed to complete its course (optional modules are not).

    The one definition used by course progress, certificates and the team dashboards.
    """
    return not getattr(module, "optional", False)


def required_modules(course) -> list:
    """The modules a learner must finish to complete ``course``."""
    return [m for m in course.modules if counts_toward_completion(m)]


def target_modules(course, module_slugs: Iterable[str] | None = None) -> list:
    """THE course-target rule: the modules a person must finish for ``course``.

    Every required module of the course, or, when an assignment names a subset
    (department onboarding assigns e.g. 2 of 9 modules), the required modules of
    that subset. Course progress, assignment completion (``modules_complete``),
    the "Required for you" marks and the next step all count against it.
    An empty or missing subset means the whole course.
    """
    wanted = set(module_slugs) if module_slugs else None
    return [m for m in required_modules(course) if wanted is None or m.slug in wanted]


def assigned_target(module_sets: Iterable[Iterable[str] | None]) -> list[str] | None:
    """The module slugs a person's open assignments of one course ask for; None = the whole course.

    ``module_sets`` holds each assignment's ``module_slugs``. No assignment, or
    one assignment of the whole course, means the whole course; several
    subsets (say two departments' onboarding) add up, in the order given.
    """
    slugs: list[str] = []
    seen_any = False
    for subset in module_sets:
        seen_any = True
        if not subset:
            return None
        slugs.extend(s for s in subset if s not in slugs)
    return slugs if seen_any else None


def done_field(has_quiz: bool) -> str:
    """The progress column whose timestamp says a module is done: THE "module done" rule.

    A module with a quiz is done when its quiz is passed (``quiz_passed_at``); a
    reading module is done when it is marked read (``completed_at``; passing a
    quiz also sets it, so a module whose quiz was later removed stays done).
    Marking a module read before a quiz was added to it does not make it done.
    SQL aggregates (services/team) build their expression from this function, so
    the learner's pages and the manager's dashboard cannot disagree.
    """
    return "quiz_passed_at" if has_quiz else "completed_at"


def done_at(row: ProgressRow | None, has_quiz: bool) -> datetime | None:
    """When the module became done, or None while it is not done."""
    return None if row is None else getattr(row, done_field(has_quiz))


def module_done(row: ProgressRow | None, has_quiz: bool) -> bool:
    """Whether a learner's row makes the module done (see ``done_field``)."""
    return done_at(row, has_quiz) is not None


def module_status(row: ProgressRow | None, has_quiz: bool) -> str:
    """One of not_started, in_progress, completed, quiz_passed."""
    if row is None:
        return NOT_STARTED
    if not module_done(row, has_quiz):
        return IN_PROGRESS
    return QUIZ_PASSED if has_quiz else COMPLETED


@dataclass(frozen=True)
class CourseProgress:
    course_slug: str
    total: int
    done: int
    started: int
    statuses: dict[str, str]  # module slug -> status
    last_seen_at: datetime | None

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def in_progress(self) -> bool:
        return self.started > 0 and not self.complete


def course_progress(
    course, rows: dict[tuple[str, str], ProgressRow], module_slugs: Iterable[str] | None = None
) -> CourseProgress:
    """Summarise one learner's rows against the course's current modules.

    Rows for modules that no longer exist are ignored here, so deleting a
    module never breaks a page; they still show in history views. Every module
    gets a status; ``done``, ``started`` and ``total`` count the person's target
    (``target_modules``: the required modules, or those of ``module_slugs``,
    e.g. department onboarding). Optional modules never count.
    """
    statuses, last_seen = {}, None
    for module in course.modules:
        row = rows.get((course.slug, module.slug))
        statuses[module.slug] = module_status(row, module.has_quiz)
        if row is not None and (last_seen is None or row.last_seen_at > last_seen):
            last_seen = row.last_seen_at
    counted = [statuses[m.slug] for m in target_modules(course, module_slugs)]
    done = sum(1 for s in counted if s in DONE_STATES)
    started = sum(1 for s in counted if s != NOT_STARTED)
    return CourseProgress(course.slug, len(counted), done, started, statuses, last_seen)


def by_module(rows: Iterable[ProgressRow]) -> dict[tuple[str, str], ProgressRow]:
    """Progress rows keyed by (course slug, module slug): the shape every rule here reads."""
    return {(row.course_slug, row.module_slug): row for row in rows}


def done_keys(courses: Iterable, rows: dict[tuple[str, str], ProgressRow]) -> set[tuple[str, str]]:
    """The (course slug, module slug) pairs of current modules that are done."""
    return {
        (course.slug, module.slug)
        for course in courses
        for module in course.modules
        if module_done(rows.get((course.slug, module.slug)), module.has_quiz)
    }


def modules_complete(course, done: set[tuple[str, str]], module_slugs: Iterable[str] | None = None) -> bool:
    """Whether every required module of ``course`` (or of its ``module_slugs`` subset) is done.

    Agrees with ``course_progress(...).complete``; it takes done keys so the
    dashboard can feed it keys computed in SQL from the same ``done_field`` rule.
    """
    required = target_modules(course, module_slugs)
    return bool(required) and all((course.slug, m.slug) in done for m in required)


def certificate_due(progress: CourseProgress, already_issued: bool) -> bool:
    """A course certificate is issued once, the first time every required module is done."""
    return progress.complete and not already_issued


def completed_course_slugs(courses: Iterable, rows: dict[tuple[str, str], ProgressRow]) -> set[str]:
    """Slugs of the courses whose every required module is done (the whole course: prerequisites, certificates)."""
    return {course.slug for course in courses if course_progress(course, rows).complete}


def missing_prerequisites(course, completed_courses: set[str]) -> list[str]:
    """Slugs of the course's prerequisites the learner has not completed."""
    return [slug for slug in course.prerequisites if slug not in completed_courses]


def course_audiences(course) -> tuple[str, ...]:
    """Audiences named by the course and by any of its modules."""
    return tuple(dict.fromkeys(course.audience + tuple(a for m in course.modules for a in m.audience)))


def recommended_for_department(course, department_key: str) -> bool:
    """True when the course or one of its modules names the department's key."""
    return bool(department_key) and department_key in course_audiences(course)


def onboarding_modules(course, department_key: str) -> list[str]:
    """Slugs of a course's modules that onboard the department with ``department_key``.

    Empty unless at least one module names the key in its audience; then the
    department's modules plus the modules meant for everyone. Keys, not names:
    renaming a department keeps its onboarding.
    """
    if not department_key:
        return []
    named = [m for m in course.modules if department_key in m.audience]
    if not named:
        return []
    return [m.slug for m in course.modules if m in named or EVERYONE in m.audience]
