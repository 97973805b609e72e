"""Creating and editing accounts, and the CSV import of employees."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from ..content.audience import DEFAULT_DEPARTMENTS
from ..content.catalog import Catalog
from ..database import begin_locked
from ..domain import passwords
from ..extensions import db
from ..models import ROLES, Department, User
from . import sessions
from .management import would_loop
from .onboarding import sync_onboarding

# Roles that can lead a team (be someone's line manager).
TEAM_LEAD_ROLES = ("manager", "admin")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


class AccountError(ValueError):
    """An account change that cannot be made, with a message for the user."""


class SetupClosed(AccountError):
    """The first administrator exists already (or any other account)."""


def _password_message(code: str, params: dict) -> str:
    messages = {
        passwords.TOO_SHORT: lambda: ngettext(
            "The password must have at least %(num)s character.",
            "The password must have at least %(num)s characters.",
            params["n"],
        ),
        passwords.TOO_LONG: lambda: ngettext(
            "The password may have at most %(num)s character.",
            "The password may have at most %(num)s characters.",
            params["n"],
        ),
        passwords.SPACES: lambda: _("The password must not start or end with a space."),
        passwords.TOO_SIMPLE: lambda: _("The password is too simple: use at least 4 different characters."),
        passwords.COMMON: lambda: _(
            "This is one of the 10,000 most common passwords, which attackers try first. Choose another one."
        ),
        passwords.PERSONAL: lambda: _(
            "The password is made of your name or email address, which others can guess. Choose another one."
        ),
    }
    return messages[code]()


def validate_password(password: str, email: str = "", name: str = "") -> None:
    """Raise AccountError, saying why, when a new password breaks the policy (domain.passwords)."""
    problem = passwords.password_problem(password, email, name)
    if problem is not None:
        raise AccountError(_password_message(*problem))


def temporary_password() -> str:
    """A random password for a new or reset account, to be changed at first login."""
    return secrets.token_urlsafe(12)


def ensure_departments() -> int:
    """Create the default departments that are missing (by key or by name); return how many were added.

    A default whose key is still free keeps the key the shipped content uses.
    """
    rows = db.session.execute(select(Department.key, Department.name)).all()
    keys = {key for key, _name in rows}
    names = {name.lower() for _key, name in rows}
    added = []
    for key, name in DEFAULT_DEPARTMENTS.items():
        if key in keys or name.lower() in names:
            continue
        added.append(Department(name=name, key=key))
        keys.add(key)
    db.session.add_all(added)
    db.session.commit()
    return len(added)


def department_by_name(name: str) -> Department | None:
    """The department called ``name`` in any letter case."""
    if not name:
        return None
    # Compared in Python: SQLite's lower() folds only ASCII, so "МАРКЕТИНГ" would miss "Маркетинг".
    wanted = name.strip().casefold()
    return next((d for d in db.session.scalars(select(Department)) if d.name.casefold() == wanted), None)


def department_by_name_or_key(text: str) -> Department | None:
    """The department whose key is ``text``, else the one called ``text`` in any letter case (imports, CLI)."""
    text = (text or "").strip()
    if not text:
        return None
    return db.session.scalar(select(Department).where(Department.key == text)) or department_by_name(text)


def email_taken(email: str, except_id: int | None = None) -> bool:
    """True when another account already uses this address."""
    stmt = select(User.id).where(User.email == User.normalise_email(email))
    if except_id:
        stmt = stmt.where(User.id != except_id)
    return db.session.scalar(stmt) is not None


def check_manager(user: User | None, manager: User | None) -> None:
    """Refuse a line manager that would create a loop in the hierarchy."""
    if would_loop(user, manager):
        raise AccountError(_("A person cannot report to themselves, directly or through others."))


def create_user(
    email: str,
    full_name: str,
    role: str = "learner",
    password: str | None = None,
    department: Department | None = None,
    job_title: str = "",
    manager: User | None = None,
    commit: bool = True,
) -> User:
    """Create an account; without ``password`` a temporary one must be set later."""
    email = User.normalise_email(email)
    if not EMAIL.match(email):
        raise AccountError(_("'%(email)s' is not a valid email address.", email=email))
    if not full_name.strip():
        raise AccountError(_("The full name is required."))
    if role not in ROLES:
        raise AccountError(_("Unknown role '%(role)s'; use one of %(roles)s.", role=role, roles=", ".join(ROLES)))
    if email_taken(email):
        raise AccountError(_("An account with the address %(email)s already exists.", email=email))
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=role,
        job_title=job_title.strip(),
        department=department,
        manager=manager,
    )
    if password is not None:
        validate_password(password, email, full_name)
        user.set_password(password)
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


def new_employee(
    email: str,
    full_name: str,
    role: str = "learner",
    department: Department | None = None,
    job_title: str = "",
    manager: User | None = None,
) -> tuple[User, str]:
    """An account with a temporary password to change at first sign-in; added, not committed.

    Used by hiring, inside the caller's transaction (which then calls ``welcome``);
    the admin form uses ``open_account`` and the CSV import (services/imports)
    ``with_temporary_password`` and ``welcome``.
    """
    user = create_user(
        email, full_name, role, None, department=department, job_title=job_title, manager=manager, commit=False
    )
    return user, with_temporary_password(user)


def with_temporary_password(user: User) -> str:
    """Give ``user`` a fresh temporary password they must change; returns it to hand out."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    return password


def welcome(catalog: Catalog, users) -> None:
    """The last step of opening accounts, after their transaction: department onboarding."""
    for user in users:
        sync_onboarding(user, catalog)


def open_account(catalog: Catalog, user: User) -> str:
    """Open an account filled in by the admin form: temporary password, committed, onboarded.

    Returns the temporary password to hand out.
    """
    password = with_temporary_password(user)
    db.session.add(user)
    db.session.commit()
    welcome(catalog, [user])
    return password


def site_is_empty() -> bool:
    """True until the first account exists (only then is /setup open)."""
    return db.session.scalar(User.any_exists()) is None


def create_first_admin(email: str, full_name: str, password: str) -> User:
    """Create the administrator of an empty site; refuse once any account exists.

    Race-free: the check and the insert happen under one lock, so two parallel
    set-ups create one administrator and the other is refused.
    """
    begin_locked(table=User.__table__)
    try:
        if db.session.scalar(User.any_exists()) is not None:
            raise SetupClosed(_("The site is already set up. Sign in instead."))
        user = create_user(email, full_name, "admin", password, commit=False)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    ensure_departments()
    return user


def count_active_admins() -> int:
    """How many active administrators there are."""
    return db.session.scalar(select(func.count()).select_from(User.active_admins().subquery()))


@contextmanager
def _admin_transaction(actor: User) -> Iterator[None]:
    """A locked transaction for a change that may take administrator rights away.

    Holds the lock of :func:`~smmacademy.database.begin_locked` on the active
    admins, re-reads the acting admin (who may have been demoted a moment ago)
    and commits only when at least one active administrator remains.
    """
    begin_locked(rows=User.active_admins())
    try:
        db.session.refresh(actor)
        if not (actor.active and actor.role == "admin"):
            raise AccountError(_("You are no longer an administrator; nothing was changed."))
        yield
        db.session.flush()
        if count_active_admins() == 0:
            raise AccountError(
                _("At least one active administrator must remain. Make someone else an administrator first.")
            )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def save_user(actor: User, user: User, apply: Callable[[User], None], catalog: Catalog | None = None) -> None:
    """Apply an admin's edit of ``user`` under the admin invariant.

    A changed role or a deactivation ends every session of the person, so new
    rights (or none) apply from their next request; with ``catalog``, a changed
    department brings that department's onboarding (``set_active`` changes none).
    """
    old_department = user.department_id
    with _admin_transaction(actor):
        before = (user.role, user.active)
        apply(user)
        if (user.role, user.active) != before:
            sessions.end_all(user.id)
    if catalog is not None and user.department_id != old_department:
        welcome(catalog, [user])


def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate or reactivate an account under the admin invariant."""

    def apply(target: User) -> None:
        target.active = active

    save_user(actor, user, apply)


def reset_password(user: User) -> str:
    """Give ``user`` a temporary password to change at next sign-in; ends all their sessions."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    sessions.end_all(user.id)
    db.session.commit()
    return password


def change_password(user: User, password: str) -> None:
    """Set a password the person chose; ends their other sessions, keeps the current one."""
    validate_password(password, user.email, user.full_name)
    user.set_password(password)
    user.must_change_password = False
    sessions.end_all(user.id, keep_current_of=user)
    db.session.commit()


def set_language(user: User, language: str | None) -> None:
    """Store the person's interface language; None means "follow the browser"."""
    user.language = language or None
    db.session.commit()


def user_by_id(user_id: int | None) -> User | None:
    """One account, or None (also for a missing or zero id)."""
    return db.session.get(User, user_id) if user_id else None


def department_by_id(department_id: int | None) -> Department | None:
    """One department, or None (also for a missing or zero id)."""
    return db.session.get(Department, department_id) if department_id else None


def departments() -> list[Department]:
    """Every department, in display order."""
    return list(db.session.scalars(Department.ordered()))


def managers(active_only: bool = False) -> list[User]:
    """People who can lead a team (managers and admins), by name."""
    stmt = select(User).where(User.role.in_(TEAM_LEAD_ROLES)).order_by(User.full_name)
    if active_only:
        stmt = stmt.where(User.active.is_(True))
    return list(db.session.scalars(stmt))
