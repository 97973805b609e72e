"""The administrator's start page: people, departments, passwords, mail and content at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from ..content.catalog import Catalog
from ..content.translations import translation_report
from ..extensions import db
from ..models import ROLES, Department, User
from .mail import status_counts


@dataclass(frozen=True)
class RoleCount:
    role: str
    active: int
    inactive: int


@dataclass(frozen=True)
class Overview:
    """Counts for the admin overview (four queries and one read of the course folder)."""

    roles: list[RoleCount]
    departments: int
    without_department: int  # active people with no department
    pending_passwords: int  # active people who must still replace a temporary password
    outbox: dict[str, int]  # mail status -> messages
    content_errors: int
    courses: int
    modules: int
    questions: int
    translations_pending: int  # missing or stale content translations

    @property
    def active(self) -> int:
        return sum(r.active for r in self.roles)

    @property
    def inactive(self) -> int:
        return sum(r.inactive for r in self.roles)


def overview(catalog: Catalog, courses_root: str, languages) -> Overview:
    """Everything the admin overview counts; the content figures are those of ``courses check``."""
    counts = {
        (role, bool(active)): n
        for role, active, n in db.session.execute(
            select(User.role, User.active, func.count()).group_by(User.role, User.active)
        )
    }
    roles = [RoleCount(role, counts.get((role, True), 0), counts.get((role, False), 0)) for role in ROLES]
    active = User.active.is_(True)
    without_department, pending = db.session.execute(
        select(
            func.count().filter(User.department_id.is_(None)),
            func.count().filter(User.must_change_password.is_(True)),
        ).where(active)
    ).one()
    modules = catalog.modules
    translations = translation_report(Path(courses_root), languages)
    return Overview(
        roles=roles,
        departments=db.session.scalar(select(func.count()).select_from(Department)) or 0,
        without_department=without_department or 0,
        pending_passwords=pending or 0,
        outbox=status_counts(),
        content_errors=len(catalog.errors),
        courses=len(catalog.courses),
        modules=len(modules),
        questions=sum(len(m.questions) for m in modules),
        translations_pending=sum(1 for t in translations if t.needs_work),
    )
