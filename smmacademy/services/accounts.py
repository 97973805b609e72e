"""Creating and editing accounts, and the CSV import of employees."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from ..extensions import db
from ..models import ROLES, Department, User
from ..models.user import DEFAULT_DEPARTMENTS

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IMPORT_COLUMNS = ("email", "full_name", "department", "job_title", "role", "manager_email")
MIN_PASSWORD_LENGTH = 10
MAX_IMPORT_ROWS = 5000


class AccountError(ValueError):
    """An account change that cannot be made, with a message for the user."""


def validate_password(password: str) -> None:
    """Raise AccountError when a password is too weak to accept."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(
            ngettext(
                "The password must have at least %(num)s character.",
                "The password must have at least %(num)s characters.",
                MIN_PASSWORD_LENGTH,
            )
        )
    if password.strip() != password or len(set(password)) < 4:
        raise AccountError(_("The password is too simple: use more different characters, no leading spaces."))


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
            raise AccountError(_("A person cannot report to themselves, directly or through others."))
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
        validate_password(password)
        user.set_password(password)
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


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
        plan.problems.append(_("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload again."))
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
            _(
                "Missing column(s): %(missing)s. The first line must be: %(header)s",
                missing=", ".join(missing),
                header=",".join(IMPORT_COLUMNS),
            )
        )
        return plan
    reader.fieldnames = header
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            plan.problems.append(
                ngettext(
                    "The file has more than %(num)s row; split it.",
                    "The file has more than %(num)s rows; split it.",
                    MAX_IMPORT_ROWS,
                )
            )
            break
        values = {c: (raw.get(c) or "").strip() for c in IMPORT_COLUMNS}
        if not any(values.values()):
            continue
        plan.rows.append(ImportRow(number, values))
    if not plan.rows and not plan.problems:
        plan.problems.append(_("The file has a header but no employees."))
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
            row.errors.append(_("'%(email)s' is not a valid email address", email=row.values["email"]))
        elif email in existing:
            row.errors.append(_("%(email)s already has an account", email=email))
        elif email in in_file:
            row.errors.append(_("%(email)s appears twice (also on line %(line)s)", email=email, line=in_file[email]))
        else:
            in_file[email] = row.line
        if not row.values["full_name"]:
            row.errors.append(_("full_name is empty"))
        role = (row.values["role"] or "learner").lower()
        row.values["role"] = role
        if role not in ROLES:
            row.errors.append(_("unknown role '%(role)s' (use %(roles)s)", role=role, roles=", ".join(ROLES)))
        department = row.values["department"]
        if department and department.lower() not in departments:
            row.errors.append(_("unknown department '%(name)s'", name=department))
    for row in plan.rows:
        manager = User.normalise_email(row.values["manager_email"])
        row.values["manager_email"] = manager
        if manager and manager not in existing and manager not in in_file:
            row.errors.append(_("manager %(email)s is neither an existing account nor in this file", email=manager))
        if manager and manager == row.values["email"]:
            row.errors.append(_("an employee cannot be their own manager"))


def apply_import(plan: ImportPlan) -> list[tuple[User, str]]:
    """Create every account of a valid plan in one transaction.

    Returns (user, temporary password) pairs so the admin can hand them out.
    """
    if not plan.valid:
        raise AccountError(_("The file has errors; nothing was imported."))
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


def set_language(user: User, language: str | None) -> None:
    """Store the person's interface language; None means "follow the browser"."""
    user.language = language or None
    db.session.commit()
