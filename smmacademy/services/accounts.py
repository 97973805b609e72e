"""Creating and editing accounts, and the CSV import of employees."""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..database import begin_locked
from ..domain import passwords
from ..extensions import db
from ..models import ROLES, Department, User
from ..models.user import DEFAULT_DEPARTMENTS
from . import sessions

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IMPORT_COLUMNS = ("email", "full_name", "department", "job_title", "role", "manager_email")
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
MAX_IMPORT_ROWS = 5000


class AccountError(ValueError):
    """An account change that cannot be made, with a message for the user."""


class SetupClosed(AccountError):
    """The first administrator exists already (or any other account)."""


def _password_message(code: str, params: dict) -> str:
    messages = {
        passwords.TOO_SHORT: lambda: _("The password must have at least %(n)s characters.", **params),
        passwords.TOO_LONG: lambda: _("The password may have at most %(n)s characters.", **params),
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


def ensure_departments(names=DEFAULT_DEPARTMENTS) -> int:
    """Create the default departments that are missing; return how many were added."""
    existing = {n.lower() for n in db.session.scalars(select(Department.name))}
    added = [Department(name=name) for name in names if name.lower() not in existing]
    db.session.add_all(added)
    db.session.commit()
    return len(added)


def department_by_name(name: str) -> Department | None:
    """The department called ``name`` in any letter case."""
    if not name:
        return None
    return db.session.scalar(select(Department).where(func.lower(Department.name) == name.strip().lower()))


def email_taken(email: str, except_id: int | None = None) -> bool:
    """True when another account already uses this address."""
    stmt = select(User.id).where(User.email == User.normalise_email(email))
    if except_id:
        stmt = stmt.where(User.id != except_id)
    return db.session.scalar(stmt) is not None


def check_manager(user: User | None, manager: User | None) -> None:
    """Refuse a line manager that would create a loop in the hierarchy."""
    if manager is None or user is None or user.id is None:
        return
    seen, current = set(), manager
    while current is not None and current.id not in seen:
        if current.id == user.id:
            raise AccountError("A person cannot report to themselves, directly or through others.")
        seen.add(current.id)
        current = current.manager


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
        raise AccountError(f"'{email}' is not a valid email address.")
    if not full_name.strip():
        raise AccountError("The full name is required.")
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'; use one of {', '.join(ROLES)}.")
    if email_taken(email):
        raise AccountError(f"An account with the address {email} already exists.")
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


def save_user(actor: User, user: User, apply: Callable[[User], None]) -> None:
    """Apply an admin's edit of ``user`` under the admin invariant.

    A changed role or a deactivation ends every session of the person, so new
    rights (or none) apply from their next request.
    """
    with _admin_transaction(actor):
        before = (user.role, user.active)
        apply(user)
        if (user.role, user.active) != before:
            sessions.end_all(user.id)


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


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """The parsed file: every row with its errors, plus file-level problems."""

    rows: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.problems) + sum(len(r.errors) for r in self.rows)


def parse_import(data: bytes) -> ImportPlan:
    """Read and validate an employee CSV without writing anything."""
    plan = ImportPlan()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        plan.problems.append("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload again.")
        return plan
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        plan.problems.append(
            f"Missing column(s): {', '.join(missing)}. The first line must be: {','.join(IMPORT_COLUMNS)}"
        )
        return plan
    reader.fieldnames = header
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            plan.problems.append(f"The file has more than {MAX_IMPORT_ROWS} rows; split it.")
            break
        values = {c: (raw.get(c) or "").strip() for c in IMPORT_COLUMNS}
        if not any(values.values()):
            continue
        plan.rows.append(ImportRow(number, values))
    if not plan.rows and not plan.problems:
        plan.problems.append("The file has a header but no employees.")
    _validate_rows(plan)
    return plan


def _validate_rows(plan: ImportPlan) -> None:
    departments = {d.name.lower(): d for d in db.session.scalars(select(Department))}
    existing = {u.email: u for u in db.session.scalars(select(User))}
    in_file: dict[str, int] = {}
    for row in plan.rows:
        email = User.normalise_email(row.values["email"])
        row.values["email"] = email
        if not EMAIL.match(email):
            row.errors.append(f"'{row.values['email']}' is not a valid email address")
        elif email in existing:
            row.errors.append(f"{email} already has an account")
        elif email in in_file:
            row.errors.append(f"{email} appears twice (also on line {in_file[email]})")
        else:
            in_file[email] = row.line
        if not row.values["full_name"]:
            row.errors.append("full_name is empty")
        role = (row.values["role"] or "learner").lower()
        row.values["role"] = role
        if role not in ROLES:
            row.errors.append(f"unknown role '{role}' (use {', '.join(ROLES)})")
        department = row.values["department"]
        if department and department.lower() not in departments:
            row.errors.append(f"unknown department '{department}'")
    for row in plan.rows:
        manager = User.normalise_email(row.values["manager_email"])
        row.values["manager_email"] = manager
        if manager and manager not in existing and manager not in in_file:
            row.errors.append(f"manager {manager} is neither an existing account nor in this file")
        if manager and manager == row.values["email"]:
            row.errors.append("an employee cannot be their own manager")


def apply_import(plan: ImportPlan) -> list[tuple[User, str]]:
    """Create every account of a valid plan in one transaction.

    Returns (user, temporary password) pairs so the admin can hand them out.
    """
    if not plan.valid:
        raise AccountError("The file has errors; nothing was imported.")
    departments = {d.name.lower(): d for d in db.session.scalars(select(Department))}
    created: dict[str, User] = {}
    result = []
    for row in plan.rows:
        values = row.values
        password = temporary_password()
        user = User(
            email=values["email"],
            full_name=values["full_name"],
            role=values["role"],
            job_title=values["job_title"],
            department=departments.get(values["department"].lower()),
            must_change_password=True,
        )
        user.set_password(password)
        db.session.add(user)
        created[user.email] = user
        result.append((user, password))
    db.session.flush()
    for row in plan.rows:
        manager_email = row.values["manager_email"]
        if manager_email:
            manager = created.get(manager_email) or db.session.scalar(User.by_email(manager_email))
            created[row.values["email"]].manager = manager
    db.session.commit()
    return result
