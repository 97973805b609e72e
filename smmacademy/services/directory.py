"""The admin's view of people and departments: searching, paging, counting, adding and renaming."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

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


def add_department(name: str) -> Department:
    """Create a department (the caller checked the name is free)."""
    department = Department(name=name)
    db.session.add(department)
    db.session.commit()
    return department


def rename_department(department: Department, name: str) -> None:
    """Rename a department (the caller checked the name is free)."""
    department.name = name
    db.session.commit()
