"""Assignments: what learners were asked to do, and the state each one is in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..content.catalog import Catalog
from ..domain.next_step import Assigned
from ..domain.notifications import ASSIGNMENT
from ..domain.progress import CourseProgress, assigned_target, course_progress, done_keys, modules_complete
from ..domain.team import COMPLETE, OVERDUE, assignment_state
from ..extensions import db
from ..models import Assessment, Assignment
from ..models.assignment import KIND_ASSESSMENT, KIND_COURSE
from ..models.base import utcnow


def course_targets(assignments) -> dict[str, list[str] | None]:
    """Each assigned course's target for the person (domain.progress.assigned_target), from open assignments.

    Courses not in the result have no assignment: their target is the whole course.
    """
    by_course: dict[str, list] = {}
    for assignment in assignments:
        if assignment.kind == KIND_COURSE and assignment.course_slug and assignment.withdrawn_at is None:
            by_course.setdefault(assignment.course_slug, []).append(assignment.module_slugs)
    return {slug: assigned_target(subsets) for slug, subsets in by_course.items()}


def targets_for(user_id: int) -> dict[str, list[str] | None]:
    """The person's course targets from their open assignments (one query)."""
    return course_targets(db.session.scalars(Assignment.open_for(user_id)))


def assignment_complete(
    catalog: Catalog, assignment: Assignment, done: set[tuple[str, str]], assessed_at: datetime | None
) -> bool:
    """Whether an assignment is fulfilled, derived from done modules and the latest self-assessment.

    The one definition used by the learner's home page, the member page and the
    dashboard (which feeds it done keys computed in SQL from the same rule).
    """
    if assignment.kind == KIND_ASSESSMENT:
        return assessed_at is not None and assessed_at >= assignment.created_at
    if assignment.kind != KIND_COURSE:
        return False
    course = catalog.courses.get(assignment.course_slug or "")
    return course is not None and modules_complete(course, done, assignment.module_slugs)


@dataclass(frozen=True)
class AssignmentView:
    """An assignment with its computed state, ready to display."""

    assignment: Assignment
    course: object | None
    progress: CourseProgress | None
    state: str

    @property
    def complete(self) -> bool:
        return self.state == COMPLETE

    @property
    def overdue(self) -> bool:
        return self.state == OVERDUE

    def as_assigned(self) -> Assigned:
        """The facts domain.next_step orders assignments by."""
        a = self.assignment
        subset = tuple(a.module_slugs) if a.module_slugs else None
        return Assigned(a.kind, a.course_slug, subset, a.due_date, self.state)


def assignment_views(
    catalog: Catalog, assignments, rows: dict, latest: Assessment | None, today: date | None = None
) -> list[AssignmentView]:
    """The state of each of one person's ``assignments``, from what the caller loaded already (no query).

    ``rows``: the person's progress rows keyed by (course, module); ``latest``: their latest
    submitted self-assessment, or None.
    """
    today = today or date.today()
    assessed_at = latest.submitted_at if latest is not None else None
    done = done_keys(catalog.courses.values(), rows)
    views = []
    for assignment in assignments:
        course = catalog.courses.get(assignment.course_slug or "")
        complete = assignment_complete(catalog, assignment, done, assessed_at)
        views.append(
            AssignmentView(
                assignment=assignment,
                course=course,
                progress=course_progress(course, rows, assignment.module_slugs or None) if course else None,
                state=assignment_state(assignment.due_date, complete, today, assignment.withdrawn_at is not None),
            )
        )
    return views


def open_assignment_views(
    catalog: Catalog, user_id: int, rows: dict, latest: Assessment | None, today: date | None = None
) -> list[AssignmentView]:
    """A learner's assignments that were not withdrawn, with their state (one query; see assignment_views)."""
    return assignment_views(catalog, db.session.scalars(Assignment.open_for(user_id)).all(), rows, latest, today)


def assignment_by_id(assignment_id: int) -> Assignment | None:
    """One assignment, or None."""
    return db.session.get(Assignment, assignment_id)


def update(assignment: Assignment, due: date | None, note: str) -> None:
    """Change an assignment's due date and note."""
    from .notifications import notify  # notifications builds on the team services

    assignment.due_date, assignment.note, assignment.updated_at = due, note, utcnow()
    notify(ASSIGNMENT, assignment=assignment)
    db.session.commit()


def withdraw(assignment: Assignment) -> None:
    """Withdraw an assignment; it stays in the person's history, and mail about it not sent yet is dropped."""
    from .notifications import withdraw_assignment_mail  # notifications builds on the team services

    assignment.withdrawn_at = utcnow()
    withdraw_assignment_mail(assignment.id)
    db.session.commit()
