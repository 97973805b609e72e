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
from flask_babel import ngettext
from sqlalchemy import func, select

from ..database import begin_locked
from ..domain import passwords
from ..domain.text import code_point, column_length, control_character
from ..extensions import db
from ..models import ROLES, Department, User
from ..models.user import DEFAULT_DEPARTMENTS
from . import sessions
from .management import would_loop

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IMPORT_COLUMNS = ("email", "full_name", "department", "job_title", "role", "manager_email")
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
MAX_IMPORT_ROWS = 5000
# The admin user form's limits: both read the column lengths (role is checked against ROLES).
IMPORT_LENGTHS = {
    "email": column_length(User.email),
    "full_name": column_length(User.full_name),
    "department": column_length(Department.name),
    "job_title": column_length(User.job_title),
    "manager_email": column_length(User.email),
}


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
    """Read and validate an employee CSV without writing anything.

    Any problem, from the encoding to a stray quote, ends in the plan as a
    message for the admin; nothing raises and nothing is imported from an
    invalid plan.
    """
    plan = ImportPlan()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        plan.problems.append(
            _(
                "The file is not UTF-8 text (byte %(position)s). Save it as 'CSV UTF-8' and upload again.",
                position=error.start + 1,
            )
        )
        return plan
    reader = _csv_reader(text)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
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
        _read_rows(plan, reader, header)
    except csv.Error as error:
        plan.problems.append(
            _(
                "Line %(line)s cannot be read as CSV (%(reason)s). Check its quotes: a quote inside a quoted "
                'value is written twice (""). Nothing was imported.',
                line=reader.line_num,
                reason=str(error),
            )
        )
    if not plan.rows and not plan.problems:
        plan.problems.append(_("The file has a header but no employees."))
    _validate_rows(plan)
    return plan


def _csv_reader(text: str):
    """A strict csv reader for ``text`` with the delimiter its header uses (comma, semicolon or tab).

    ``newline=""`` hands every line ending (CRLF, LF, old Mac CR) and line
    breaks inside quoted values to the csv module, which understands them.
    """
    for delimiter in (",", ";", "\t"):
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        except csv.Error:
            continue
        if {h.strip().lower() for h in header} >= set(IMPORT_COLUMNS):
            break
    else:
        delimiter = ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _read_rows(plan: ImportPlan, reader, header: list[str]) -> None:
    """Collect the data rows; a row with more values than the header is an error, not silently cut.

    More values usually mean an unquoted comma inside a value, which shifts
    every later value into the wrong column.
    """
    positions = {column: header.index(column) for column in IMPORT_COLUMNS}
    for cells in reader:
        if len(plan.rows) >= MAX_IMPORT_ROWS:
            plan.problems.append(
                ngettext(
                    "The file has more than %(num)s row; split it.",
                    "The file has more than %(num)s rows; split it.",
                    MAX_IMPORT_ROWS,
                )
            )
            return
        values = {c: cells[i] if i < len(cells) else "" for c, i in positions.items()}
        if not any(v.strip() for v in cells):
            continue
        row = ImportRow(reader.line_num, values)
        if len(cells) > len(header):
            row.errors.append(
                _(
                    "%(found)s values but the header has %(expected)s columns; put quotes around a value "
                    "that contains a %(delimiter)s",
                    found=len(cells),
                    expected=len(header),
                    delimiter=repr(reader.dialect.delimiter),
                )
            )
        plan.rows.append(row)


def _check_cells(row: ImportRow) -> None:
    """The admin user form's text rules, for every value of the row (before trimming spaces)."""
    for column, value in row.values.items():
        character = control_character(value)
        if character is not None:
            row.errors.append(
                _(
                    "%(column)s contains an invisible control character (%(code)s); remove it",
                    column=column,
                    code=code_point(character),
                )
            )
        elif (limit := IMPORT_LENGTHS.get(column)) is not None and len(value) > limit:
            row.errors.append(
                _(
                    "%(column)s is too long: %(length)s characters, at most %(limit)s",
                    column=column,
                    length=len(value),
                    limit=limit,
                )
            )
        row.values[column] = value.strip()


def _validate_rows(plan: ImportPlan) -> None:
    departments = {d.name.lower(): d for d in db.session.scalars(select(Department))}
    existing = {u.email: u for u in db.session.scalars(select(User))}
    in_file: dict[str, int] = {}
    for row in plan.rows:
        _check_cells(row)
        email = User.normalise_email(row.values["email"])
        row.values["email"] = email
        if not EMAIL.match(email):
            row.errors.append(_("'%(email)s' is not a valid email address", email=email))
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
