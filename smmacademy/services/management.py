"""The management line: who reports to whom, directly or through others, and who may see whose records.

"Branch" is written once, as a recursive CTE; the dashboard scope, every ``can_view`` decision
(quiz attempts, self-assessments, certificates, member pages) and the loop check on a new line
manager use it, so they cannot disagree.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from ..extensions import db
from ..models import User


def branch_ids(manager_id: int):
    """Statement selecting the ids of everyone below ``manager_id``, at any depth (active or not)."""
    reports = select(User.id).where(User.manager_id == manager_id).cte("branch", recursive=True)
    reports = reports.union_all(select(User.id).join(reports, User.manager_id == reports.c.id))
    return select(reports.c.id)


def is_in_branch(manager_id: int, person_id: int) -> bool:
    """True when ``person_id`` reports to ``manager_id`` directly or through others (one query)."""
    ids = branch_ids(manager_id).subquery()
    return bool(db.session.scalar(select(exists().where(ids.c.id == person_id))))


def can_view(viewer: User, owner_id: int | None) -> bool:
    """Whether ``viewer`` may see a person's records: the person, anyone above them in the line, admins.

    Records without an owner (candidates' self-assessments) are for HR and admins.
    """
    if viewer.role == "admin" or (owner_id is not None and viewer.id == owner_id):
        return True
    if owner_id is None:
        return viewer.role == "hr"
    return viewer.role == "manager" and is_in_branch(viewer.id, owner_id)


def may_manage(viewer: User, person_id: int) -> bool:
    """Whether ``viewer`` may open a person's member page and change their assignments."""
    return viewer.role == "admin" or is_in_branch(viewer.id, person_id)


def can_see_development(viewer: User, person_id: int) -> bool:
    """Whether ``viewer`` may see a person's reviews, agreed levels, target role and development plan.

    The person, anyone above them in the line and admins. Unlike ``can_view`` the role
    does not matter: HR sees these only for the people they manage. Peers are not in
    this rule; they see nothing beyond their own review form.
    """
    return viewer.id == person_id or may_manage(viewer, person_id)


def can_lead_development(viewer: User, person_id: int) -> bool:
    """Whether ``viewer`` starts and calibrates reviews and builds and agrees plans: someone up the line or an admin.

    Never the person: nobody calibrates their own levels or agrees their own plan.
    """
    return viewer.id != person_id and may_manage(viewer, person_id)


def would_loop(user: User | None, manager: User | None) -> bool:
    """Whether making ``manager`` the line manager of ``user`` would create a loop."""
    if manager is None or user is None or user.id is None:
        return False
    return manager.id == user.id or is_in_branch(user.id, manager.id)


def can_view_certificate(viewer: User, holder_id: int) -> bool:
    """Whether ``viewer`` may open a certificate page or download its signed badge: the holder and admins.

    Narrower than ``can_view`` on purpose (tests/test_access.py policy): a certificate is the
    holder's to present; anyone may check one through the public verify page.
    """
    return viewer.id == holder_id or viewer.role == "admin"
