"""Assignments: what learners were asked to do, and automatic onboarding."""

from __future__ import annotations

from ..extensions import db
from ..models import Assignment
from ..models.assignment import KIND_COURSE


def open_course_slugs(user_id: int) -> set[str]:
    """Slugs of courses currently assigned to a person."""
    return {a.course_slug for a in db.session.scalars(Assignment.open_for(user_id)) if a.kind == KIND_COURSE}
