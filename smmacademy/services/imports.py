"""The employee CSV import: parse and validate a file, then open every account in one transaction."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from ..content.catalog import Catalog
from ..domain import csv_text
from ..domain.text import code_point, column_length, control_character
from ..extensions import db
from ..models import ROLES, Department, User
from .accounts import EMAIL, AccountError, welcome, with_temporary_password

IMPORT_COLUMNS = ("email", "full_name", "department", "job_title", "role", "manager_email")
MAX_IMPORT_ROWS = 5000
# The admin user form's limits: both read the column lengths (role is checked against ROLES).
IMPORT_LENGTHS = {
    "email": column_length(User.email),
    "full_name": column_length(User.full_name),
    "department": column_length(Department.name),
    "job_title": column_length(User.job_title),
    "manager_email": column_length(User.email),
}


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


ENCODING_LABELS = {
    csv_text.UTF8_BOM: _l("UTF-8 (with a byte-order mark)"),
    csv_text.UTF8: _l("UTF-8"),
    csv_text.CP1251: _l("Windows-1251 (Cyrillic)"),
}
DELIMITER_LABELS = {",": _l("commas"), ";": _l("semicolons"), "\t": _l("tabs")}


@dataclass
class ImportPlan:
    """The parsed file: every row with its errors, plus file-level problems, and how the file was read."""

    rows: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    text: str = ""
    encoding: str = ""
    delimiter: str = ""

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.problems) + sum(len(r.errors) for r in self.rows)

    @property
    def read_as(self) -> str:
        """How the file was read, for the preview ("" when it could not be)."""
        if not self.encoding:
            return ""
        return _(
            "Read as %(encoding)s, values separated by %(delimiter)s.",
            encoding=ENCODING_LABELS[self.encoding],
            delimiter=DELIMITER_LABELS[self.delimiter],
        )


NOT_TEXT_MESSAGES = {
    "workbook": _l(
        "This is an Excel workbook (.xlsx), not a CSV file. In Excel choose File → Save As → "
        '"CSV UTF-8 (comma delimited)" and upload that file. Nothing was imported.'
    ),
    "utf16": _l(
        'The file is UTF-16 ("Unicode text"). Save it as "CSV UTF-8" or plain "CSV" and upload again. '
        "Nothing was imported."
    ),
    "unknown": _l(
        "The file is neither UTF-8 nor Windows-1251 (Cyrillic) text (unreadable from byte %(position)s). "
        'Save it as "CSV UTF-8" and upload again. Nothing was imported.'
    ),
}


def parse_import(data: bytes) -> ImportPlan:
    """Read and validate an employee CSV without writing anything.

    The encoding (UTF-8 with or without a byte-order mark, or Windows-1251)
    and the separator (comma, semicolon or tab) are detected and reported on
    the plan. Any problem, from the encoding to a stray quote, ends in the plan
    as a message for the admin; nothing raises and nothing is imported from an
    invalid plan.
    """
    plan = ImportPlan()
    try:
        decoded = csv_text.decode(data)
    except csv_text.NotText as error:
        plan.problems.append(str(NOT_TEXT_MESSAGES[error.kind]) % {"position": error.position})
        return plan
    plan.text, plan.encoding = decoded.text.lstrip("\ufeff"), decoded.encoding
    plan.delimiter = csv_text.detect_delimiter(plan.text, IMPORT_COLUMNS)
    reader = csv.reader(io.StringIO(plan.text, newline=""), delimiter=plan.delimiter, strict=True)
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


def _department_lookup() -> dict[str, Department]:
    """Departments by key and by case-folded name (a name wins over another department's key)."""
    departments = list(db.session.scalars(select(Department)))
    return {d.key: d for d in departments} | {d.name.casefold(): d for d in departments}


def _validate_rows(plan: ImportPlan) -> None:
    departments = _department_lookup()
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
        if department and department.casefold() not in departments:
            row.errors.append(_("unknown department '%(name)s'", name=department))
    for row in plan.rows:
        manager = User.normalise_email(row.values["manager_email"])
        row.values["manager_email"] = manager
        if manager and manager not in existing and manager not in in_file:
            row.errors.append(_("manager %(email)s is neither an existing account nor in this file", email=manager))
        if manager and manager == row.values["email"]:
            row.errors.append(_("an employee cannot be their own manager"))


def template_rows() -> list[list[str]]:
    """The downloadable template: the column names (never translated) and one example row in the reader's language."""
    departments = list(db.session.scalars(Department.ordered()))
    example = next((d for d in departments if d.key == "marketing"), departments[0] if departments else None)
    return [
        list(IMPORT_COLUMNS),
        [
            _("anna.smith@example.com"),
            _("Anna Smith"),
            example.name if example else "",
            _("SMM specialist"),
            "learner",
            "",
        ],
    ]


def apply_import(plan: ImportPlan, catalog: Catalog) -> list[tuple[User, str]]:
    """Create every account of a valid plan in one transaction, then onboard them (accounts.welcome).

    Returns (user, temporary password) pairs so the admin can hand them out.
    """
    if not plan.valid:
        raise AccountError(_("The file has errors; nothing was imported."))
    departments = _department_lookup()
    created: dict[str, User] = {}
    result = []
    for row in plan.rows:
        values = row.values
        user = User(
            email=values["email"],
            full_name=values["full_name"],
            role=values["role"],
            job_title=values["job_title"],
            department=departments.get(values["department"].casefold()),
        )
        password = with_temporary_password(user)
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
    welcome(catalog, [user for user, _password in result])
    return result
