"""Every form accepts exactly what its database column can hold, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import importlib
import inspect as pyinspect
import pkgutil

import pytest
from sqlalchemy import inspect
from wtforms import Form, PasswordField, StringField
from wtforms.validators import Length

import smmacademy
from smmacademy.extensions import db
from smmacademy.forms import BaseForm
from smmacademy.models import Assignment, Candidate, CandidateEvent, Certificate, Department, PlanItem, User

# (form class, field) -> the column the view writes the value to. A new text field
# must be listed here or in NOT_STORED, so nobody adds one without thinking of its column.
WRITES = {
    ("UserForm", "full_name"): User.full_name,
    ("UserForm", "email"): User.email,
    ("UserForm", "job_title"): User.job_title,
    ("DepartmentForm", "name"): Department.name,
    ("DepartmentForm", "key"): Department.key,
    ("SetupForm", "full_name"): User.full_name,
    ("SetupForm", "email"): User.email,
    ("InviteForm", "full_name"): Candidate.full_name,
    ("InviteForm", "email"): Candidate.email,
    ("InviteForm", "note"): Candidate.note,
    ("NoteForm", "text"): CandidateEvent.text,
    ("StatusForm", "note"): CandidateEvent.text,
    ("HireForm", "job_title"): User.job_title,
    ("AssignForm", "note"): Assignment.note,
    ("EditAssignmentForm", "note"): Assignment.note,
    ("RevokeForm", "reason"): Certificate.revocation_reason,
    ("PlanItemForm", "goal"): PlanItem.goal,
    ("OwnActionForm", "goal"): PlanItem.goal,
}
# Text fields whose value is not stored as typed, with the column it is compared to.
COMPARED = {("LoginForm", "email"): User.email, ("ForgotPasswordForm", "email"): User.email}
NOT_STORED = {("SearchForm", "q"), ("BadgeCheckForm", "token"), ("LanguageForm", "next")}
# The CSV file being imported: bounded by MAX_CONTENT_LENGTH, checked row by row.
BOUNDED_ELSEWHERE = {("ImportConfirmForm", "payload")}


def form_classes() -> list[type[Form]]:
    """Every form class defined in a blueprint's forms.py."""
    found = []
    for package in pkgutil.iter_modules(smmacademy.__path__):
        if not package.ispkg:
            continue
        try:
            module = importlib.import_module(f"smmacademy.{package.name}.forms")
        except ModuleNotFoundError:
            continue
        found += [
            cls
            for cls in vars(module).values()
            if pyinspect.isclass(cls) and issubclass(cls, Form) and cls.__module__ == module.__name__
        ]
    return found


def text_fields(app, cls):
    """(name, field) for every text field of a bound instance of ``cls`` (passwords aside: they are hashed)."""
    with app.test_request_context():
        form = cls(meta={"csrf": False})
        return [
            (name, field)
            for name, field in form._fields.items()
            if isinstance(field, StringField) and not isinstance(field, PasswordField)
        ]


def max_length(field) -> int | None:
    limits = [v.max for v in field.validators if isinstance(v, Length) and v.max not in (None, -1)]
    return min(limits) if limits else None


def database_length(column) -> int | None:
    """The length the live database reports for ``column`` (reflected, not read from the model)."""
    table = column.property.columns[0].table.name
    reflected = {c["name"]: c["type"] for c in inspect(db.engine).get_columns(table)}
    return getattr(reflected[column.key], "length", None)


def test_every_blueprint_has_forms_and_every_form_uses_the_base_form(app):
    classes = form_classes()
    modules = {cls.__module__.split(".")[1] for cls in classes}
    assert {"admin", "auth", "hr", "team", "learn", "candidate", "assessment"} <= modules
    wrong = [cls.__qualname__ for cls in classes if not issubclass(cls, BaseForm)]
    assert not wrong, f"derive these forms from smmacademy.forms.BaseForm: {wrong}"


def test_every_text_field_is_classified_and_bounded(app):
    known = set(WRITES) | set(COMPARED) | NOT_STORED | BOUNDED_ELSEWHERE
    seen, unbounded = set(), []
    for cls in form_classes():
        for name, field in text_fields(app, cls):
            seen.add((cls.__name__, name))
            if max_length(field) is None and (cls.__name__, name) not in BOUNDED_ELSEWHERE:
                unbounded.append(f"{cls.__name__}.{name}")
    assert not sorted(seen - known), f"say which column these fields write to (WRITES): {seen - known}"
    assert not sorted(known - seen), f"the lists name fields that no longer exist: {known - seen}"
    assert not unbounded, f"give these text fields a maximum length: {unbounded}"


@pytest.mark.parametrize(("key", "column"), sorted({**WRITES, **COMPARED}.items(), key=lambda kv: kv[0]))
def test_form_length_equals_the_database_column_length(app, key, column):
    form_name, field_name = key
    cls = next(c for c in form_classes() if c.__name__ == form_name)
    allowed = max_length(dict(text_fields(app, cls))[field_name])
    length = database_length(column)
    # A TEXT column has no limit in the database: the form's own (checked above) is the rule.
    assert allowed == length or (length is None and allowed is not None), (
        f"{form_name}.{field_name} allows {allowed} characters, the column {length}"
    )


def test_a_name_of_exactly_the_column_length_is_stored_and_one_more_is_refused(client, login_as):
    login_as("admin")
    length = database_length(User.full_name)
    at_limit = client.post(
        "/admin/users/new", data={"full_name": "N" * length, "email": "max@example.com", "role": "learner"}
    )
    assert at_limit.status_code == 200
    stored = db.session.scalar(User.by_email("max@example.com"))
    assert stored is not None and len(stored.full_name) == length
    over = client.post(
        "/admin/users/new", data={"full_name": "N" * (length + 1), "email": "over@example.com", "role": "learner"}
    )
    assert over.status_code == 400
    assert f"cannot be longer than {length} characters".encode() in over.data
    assert db.session.scalar(User.by_email("over@example.com")) is None
