"""Automatic department onboarding assignments."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..content.catalog import Catalog
from ..domain.progress import onboarding_modules
from ..extensions import db
from ..models import Assignment, User
from ..models.assignment import KIND_COURSE, SOURCE_ONBOARDING
from ..models.base import utcnow


def sync_onboarding(user: User, catalog: Catalog) -> list[Assignment]:
    """Make the person's onboarding assignments match their department.

    Creates the onboarding assignment of every course whose modules name the
    department, withdraws onboarding for a department the person left, and
    does nothing when everything already matches (safe to call repeatedly).
    Called by services/accounts (``welcome``), the one place accounts are opened.
    """
    wanted = {}
    for course in catalog.courses.values():
        modules = onboarding_modules(course, user.department_key)
        if modules:
            wanted[course.slug] = modules
    current = db.session.scalars(
        select(Assignment).where(
            Assignment.user_id == user.id,
            Assignment.source == SOURCE_ONBOARDING,
            Assignment.withdrawn_at.is_(None),
        )
    ).all()
    now = utcnow()
    kept = []
    for assignment in current:
        if wanted.get(assignment.course_slug) == assignment.module_slugs:
            wanted.pop(assignment.course_slug)
            kept.append(assignment)
        else:
            assignment.withdrawn_at = now
    created = [
        Assignment(
            user_id=user.id, kind=KIND_COURSE, course_slug=slug, module_slugs=modules, source=SOURCE_ONBOARDING, note=""
        )
        for slug, modules in wanted.items()
    ]
    db.session.add_all(created)
    db.session.commit()
    if created:
        current_app.logger.info("onboarding assigned to user %s: %s", user.id, [a.course_slug for a in created])
    return kept + created
