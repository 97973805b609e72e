"""The admin's view of people and departments: searching, paging, counting, adding and renaming."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..content.audience import DEFAULT_DEPARTMENTS, AudienceRef, unknown_audiences
from ..content.catalog import Catalog
from ..domain import departments
from ..extensions import db
from ..models import Department, User


@dataclass(frozen=True)
class UserPage:
    """One page of a people search."""

    people: list[User]
    total: int
    page: int
    pages: int


def search_users(query: str, role: str, department_id: int | None, page: int, page_size: int) -> UserPage:
    """People matching the search, one page of them (the page is clamped to the last one)."""
    stmt = User.search(query, role, department_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    people = db.session.scalars(stmt.limit(page_size).offset((page - 1) * page_size)).all()
    return UserPage(list(people), total, page, pages)


def department_head_counts() -> dict[int | None, int]:
    """Number of accounts per department id (None for people without one)."""
    return dict(db.session.execute(select(User.department_id, func.count(User.id)).group_by(User.department_id)).all())


def department_keys() -> set[str]:
    """Every department key in use."""
    return set(db.session.scalars(select(Department.key)))


def department_names_by_key() -> dict[str, str]:
    """Display name of every department by its key (to show audience keys as names)."""
    return dict(db.session.execute(select(Department.key, Department.name)).all())


def audience_warnings(catalog: Catalog) -> list[AudienceRef]:
    """Audience entries in the content (file:line) that name no department key of this site.

    Without a readable database (``courses check`` before ``db upgrade``), the
    default departments' keys stand in.
    """
    try:
        keys = department_keys()
    except SQLAlchemyError:
        db.session.rollback()
        keys = set(DEFAULT_DEPARTMENTS)
    return unknown_audiences(catalog.audience_refs, keys)


def key_problem(key: str) -> tuple[str, dict] | None:
    """Why an admin's chosen key cannot be used (a message to translate with its values), or None."""
    return departments.key_problem(key, department_keys())


def add_department(name: str, key: str = "") -> Department:
    """Create a department; without ``key`` one is made from the name (the caller checked name and key are free)."""
    department = Department(name=name, key=key or departments.new_key(name, department_keys()))
    db.session.add(department)
    db.session.commit()
    return department


def rename_department(department: Department, name: str) -> None:
    """Rename a department (the caller checked the name is free); its key, and so its content, stay."""
    department.name = name
    db.session.commit()
