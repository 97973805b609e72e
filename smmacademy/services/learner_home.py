"""The learner home ("My learning"): progress, assignments and the next step, from a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..content.catalog import Catalog
from ..domain.next_step import NextStep, home_steps
from ..domain.progress import CourseProgress, course_progress
from ..models import Assessment, User
from . import learning_records
from .assignments import AssignmentView, course_targets, open_assignment_views


@dataclass(frozen=True)
class HomePlan:
    """What the home page shows about a person's learning."""

    assignments: list[AssignmentView]
    resume: NextStep | None  # the module in progress ("Continue")
    step: NextStep | None  # the next step after it ("Start next"); both None: everything is done
    in_progress: list[tuple[object, CourseProgress]]
    started_any: bool  # has opened at least one module, ever
    latest_assessment: Assessment | None  # the latest submitted self-assessment


def home_plan(catalog: Catalog, user: User, today: date | None = None) -> HomePlan:
    """The person's next step (domain.next_step), assignments and courses in progress, each against their target."""
    rows = learning_records.progress_rows(user.id)
    latest = learning_records.latest_assessment(user.id)
    assignments = open_assignment_views(catalog, user.id, rows, latest, today)
    targets = course_targets(view.assignment for view in assignments)
    resume, step = home_steps(
        catalog.courses, rows, [view.as_assigned() for view in assignments], user.department_key, targets
    )
    progress = [
        (course, course_progress(course, rows, targets.get(course.slug))) for course in catalog.courses.values()
    ]
    return HomePlan(
        assignments=assignments,
        resume=resume,
        step=step,
        in_progress=[(course, p) for course, p in progress if p.in_progress],
        started_any=bool(rows),
        latest_assessment=latest,
    )
