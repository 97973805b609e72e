"""Every form of the site, sent with one required field missing, comes back with the message on that field and
every other value kept: never an error page, never lost input.

:data:`CASES` lists every POST route with something a person must fill in; :data:`NOTHING_REQUIRED` the
POST routes where nothing is (buttons, optional fields, fields the site fills in). A new POST route, or a new
form class with a required field, fails :func:`test_every_post_route_and_required_form_is_listed` until it is
added to one of them.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

import pytest
from sqlalchemy import select
from wtforms.validators import DataRequired, InputRequired

from smmacademy.catalog_state import get_catalog
from smmacademy.extensions import db
from smmacademy.models import Candidate, Certificate, DevelopmentPlan, PasswordResetToken, ReviewRound
from smmacademy.models.base import utcnow
from smmacademy.services import accounts, password_reset

from .conftest import PASSWORD, login
from .plan_factories import choose_target, make_calibrated_round
from .test_form_limits import form_classes
from .test_hr import as_candidate, invite
from .test_learn import RIGHT, attempt_token
from .test_plans import LEVELS
from .test_quiz_validation import started_test
from .test_reviews import DUE, all_rated

NEW_PASSWORD = "a-brand-new-passphrase-42"


@dataclass(frozen=True)
class Case:
    """One form: ``prepare`` signs in whoever sends it and returns (client, url, complete valid data), plus,
    where the field names are only known then, what the names in ``field`` and ``kept`` stand for."""

    prepare: Callable
    field: str  # the required field left out
    kept: tuple[str, ...]  # the other fields whose values must come back
    form: str | None = None  # the WTForms class behind it, if any
    broken: str | None = None  # send this instead of leaving the field out (nothing can be left out there)


def _as(role: str):
    def signed_in(ctx):
        ctx.make_user("admin")
        user = ctx.make_user(role)
        login(ctx.client, user)
        return user

    return signed_in


def _login(ctx):
    ctx.make_user("admin", email="someone@example.com")
    return ctx.client, "/login", {"email": "someone@example.com", "password": PASSWORD}


def _setup(ctx):
    return (
        ctx.client,
        "/setup",
        {
            "full_name": "First Admin",
            "email": "first@example.com",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )


def _forgot(ctx):
    ctx.make_user("admin")
    return ctx.client, "/password/forgot", {"email": "someone@example.com"}


def _reset(ctx):
    user = ctx.make_user("admin")
    token = secrets.token_urlsafe(16)
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=password_reset._hash(token),
            expires_at=utcnow() + timedelta(minutes=30),
        )
    )
    db.session.commit()
    with ctx.app.test_request_context():
        signed = password_reset._serializer().dumps(token)
    return ctx.client, f"/password/reset/{signed}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


def _change_password(ctx):
    _as("learner")(ctx)
    return ctx.client, "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


def _user_data():
    return {"full_name": "Nora New", "email": "nora@example.com", "role": "manager", "job_title": "Editor"}


def _create_user(ctx):
    _as("admin")(ctx)
    return ctx.client, "/admin/users/new", _user_data()


def _edit_user(ctx):
    _as("admin")(ctx)
    other = ctx.make_user("learner")
    return ctx.client, f"/admin/users/{other.id}", {**_user_data(), "role": "learner", "active": "y"}


def _add_department(ctx):
    _as("admin")(ctx)
    return ctx.client, "/admin/departments", {"name": "Logistics"}


def _rename_department(ctx):
    _as("admin")(ctx)
    department = accounts.departments()[0]
    return ctx.client, f"/admin/departments/{department.id}", {"name": "Renamed"}


def _import(ctx):
    _as("admin")(ctx)
    return ctx.client, "/admin/import", {"file": (io.BytesIO(b"email,full_name\n"), "people.csv")}


def _revoke(ctx):
    admin = _as("admin")(ctx)
    certificate = Certificate(
        code="ABC123DEF456", user_id=admin.id, course_slug="basics", course_title="Basics", holder_name="A"
    )
    db.session.add(certificate)
    db.session.commit()
    return ctx.client, f"/admin/certificates/{certificate.code}/revoke", {"reason": "Issued by mistake"}


def _badge_check(ctx):
    return ctx.client, "/verify/badge", {"token": "eyJhbGciOiJFZERTQSJ9.e30.c2ln"}


def _assign(ctx):
    manager = _as("manager")(ctx)
    report = ctx.make_user("learner", manager=manager)
    future = (date.today() + timedelta(days=14)).isoformat()
    return (
        ctx.client,
        "/team/assign",
        {
            "people": [str(report.id)],
            "target": "course:basics",
            "due_date": future,
            "note": "Start with the first module",
        },
    )


def _invite(ctx):
    _as("hr")(ctx)
    return (
        ctx.client,
        "/hr/new",
        {
            "full_name": "Cara Candidate",
            "email": "cara@mail.example",
            "profile_id": "community-manager",
            "language": "ru",
            "time_limit": "45",
            "note": "Referred by Tom",
        },
    )


def _submitted_candidate(ctx) -> Candidate:
    _as("hr")(ctx)
    candidate, _link, _html = invite(ctx.client)
    candidate.submitted_at = utcnow()
    db.session.commit()
    return candidate


def _note(ctx):
    candidate = _submitted_candidate(ctx)
    return ctx.client, f"/hr/candidates/{candidate.id}/note", {"text": "Called on Monday"}


def _decision(ctx):
    candidate = _submitted_candidate(ctx)
    return (
        ctx.client,
        f"/hr/candidates/{candidate.id}/status",
        {
            "status": "shortlisted",
            "note": "Strong community work",
        },
    )


def _hire(ctx):
    candidate = _submitted_candidate(ctx)
    accounts.ensure_departments()
    lead = ctx.make_user("manager", full_name="Marina Lead")
    marketing = accounts.department_by_name("Marketing")
    return (
        ctx.client,
        f"/hr/candidates/{candidate.id}/hire",
        {"manager_id": str(lead.id), "department_id": str(marketing.id), "job_title": "Junior community manager"},
    )


def _area_ratings(framework, level: str = "4") -> tuple[str, dict]:
    area = framework.areas[0]
    return area.id, {f"r-{s.id}": level for cid in area.competency_ids for s in framework.competencies[cid].statements}


def _assessment(ctx):
    _as("learner")(ctx)
    ctx.client.post("/assessment/start")
    area, values = _area_ratings(get_catalog().framework)
    return ctx.client, f"/assessment/area/{area}", values


def _candidate_client(ctx):
    _as("hr")(ctx)
    _candidate, link, _html = invite(ctx.client)
    browser, _ = as_candidate(ctx.app, link)
    return browser


def _consent(ctx):
    return _candidate_client(ctx), "/candidate/consent", {"consent": "y"}


def _candidate_area(ctx):
    browser = _candidate_client(ctx)
    browser.post("/candidate/consent", data={"consent": "y"})
    area, values = _area_ratings(get_catalog().framework)
    return browser, f"/candidate/assessment/{area}", values


def _candidate_test(ctx):
    browser, _candidate, questions = started_test(ctx.app, ctx.client, ctx.make_user)
    text = next(q for q in questions if q.type == "text")
    choice = next(q for q in questions if q.type in ("single", "multiple"))
    data = {"action": "submit", f"q-{text.id}": "3-4", f"q-{choice.id}": choice.options[0][0]}
    return browser, "/candidate/test", data, {"text": f"q-{text.id}", "choice": f"q-{choice.id}"}


def _quiz(ctx):
    _as("learner")(ctx)
    return ctx.client, "/courses/basics/intro/quiz", {**RIGHT, "attempt": attempt_token(ctx.client)}


def _reviewer(ctx):
    """A manager, signed in, with a person in their line."""
    manager = _as("manager")(ctx)
    return manager, ctx.make_user("learner", manager=manager, full_name="Paul Person")


def _start_review(ctx):
    _manager, person = _reviewer(ctx)
    return ctx.client, "/reviews/start", {"person": str(person.id), "due_date": DUE}


def _open_round(ctx) -> ReviewRound:
    """An open review round about a person in the signed-in manager's line."""
    _manager, person = _reviewer(ctx)
    assert ctx.client.post("/reviews/start", data={"person": str(person.id), "due_date": DUE}).status_code == 302
    return db.session.scalar(select(ReviewRound).where(ReviewRound.subject_id == person.id))


def _peers(ctx):
    round_ = _open_round(ctx)
    peers = [ctx.make_user("learner", full_name=f"Peer {n}") for n in range(3)]
    return ctx.client, f"/reviews/{round_.id}/peers", {"peers": [str(p.id) for p in peers]}


def _rate(ctx):
    round_ = _open_round(ctx)
    return ctx.client, f"/reviews/{round_.id}/rate", {**all_rated(ctx.app, 3), "action": "submit"}


def _calibrate(ctx):
    round_ = _open_round(ctx)
    data = {}
    for number, cid in enumerate(round_.framework["competencies"]):
        data[f"level-{cid}"] = str(number % 5 + 1)
        data[f"note-{cid}"] = f"Agreed on {cid}"
    return ctx.client, f"/reviews/{round_.id}/calibrate", data


def _target(ctx):
    _manager, person = _reviewer(ctx)
    return ctx.client, f"/reviews/people/{person.id}/target", {"profile": "smm-manager"}


def _draft_plan(ctx) -> DevelopmentPlan:
    """A draft plan built by the signed-in manager for a person in their line."""
    manager, person = _reviewer(ctx)
    make_calibrated_round(ctx.app, person, manager, LEVELS)
    choose_target(person, "smm-manager")
    assert ctx.client.post(f"/plans/people/{person.id}/build").status_code == 302
    return db.session.scalar(select(DevelopmentPlan).where(DevelopmentPlan.user_id == person.id))


def _edit_plan_item(ctx):
    plan = _draft_plan(ctx)
    future = (date.today() + timedelta(days=30)).isoformat()
    return ctx.client, f"/plans/items/{plan.items[0].id}", {"goal": "Run one campaign end to end", "due_date": future}


def _own_action(ctx):
    plan = _draft_plan(ctx)
    future = (date.today() + timedelta(days=30)).isoformat()
    return ctx.client, f"/plans/{plan.id}/actions", {"goal": "Shadow the PR lead for a week", "due_date": future}


CASES: dict[str, Case] = {
    "auth.login": Case(_login, "password", ("email",), "LoginForm"),
    "auth.setup": Case(_setup, "email", ("full_name",), "SetupForm"),
    "auth.forgot_password": Case(_forgot, "email", (), "ForgotPasswordForm"),
    # Passwords are never sent back into a page, so nothing else is kept on these two.
    "auth.reset_password": Case(_reset, "confirm", (), "ResetPasswordForm"),
    "auth.change_password": Case(_change_password, "current", (), "ChangePasswordForm"),
    "admin.create_user": Case(_create_user, "full_name", ("email", "role", "job_title"), "UserForm"),
    "admin.edit_user": Case(_edit_user, "email", ("full_name", "job_title"), "UserForm"),
    "admin.departments": Case(_add_department, "name", (), "DepartmentForm"),
    "admin.rename_department": Case(_rename_department, "name", (), "DepartmentForm"),
    "admin.import_users": Case(_import, "file", (), "ImportUploadForm"),
    "badges.revoke": Case(_revoke, "reason", (), "RevokeForm"),
    "badges.check": Case(_badge_check, "token", (), "BadgeCheckForm"),
    "team.assign": Case(_assign, "people", ("target", "due_date", "note"), "AssignForm"),
    "hr.invite": Case(_invite, "email", ("full_name", "profile_id", "language", "time_limit", "note"), "InviteForm"),
    "hr.add_note": Case(_note, "text", (), "NoteForm"),
    "hr.change_status": Case(_decision, "status", ("note",), "StatusForm"),
    "hr.hire": Case(_hire, "manager_id", ("department_id", "job_title"), "HireForm"),
    "reviews.start": Case(_start_review, "due_date", ("person",), "StartReviewForm"),
    # At least three peers in all: none ticked is the form left empty.
    "reviews.peers": Case(_peers, "peers", ()),
    "reviews.rate": Case(_rate, "r-*", ("r-*",)),
    "reviews.calibrate": Case(_calibrate, "level-*", ("level-*", "note-*")),
    "reviews.target": Case(_target, "profile", (), "TargetForm"),
    "plans.edit_item": Case(_edit_plan_item, "goal", ("due_date",), "PlanItemForm"),
    "plans.add_action": Case(_own_action, "goal", ("due_date",), "OwnActionForm"),
    "assessment.area": Case(_assessment, "r-*", ("r-*",)),
    "candidate.consent": Case(_consent, "consent", (), "ConsentForm"),
    "candidate.area": Case(_candidate_area, "r-*", ("r-*",)),
    # A blank test answer scores 0 by design; what can be wrong is an answer that does not fit (too long).
    "candidate.test": Case(_candidate_test, "text", ("choice",), broken="x" * 201),
    "learn.submit_quiz": Case(_quiz, "q-intro-multiple", tuple(k for k in RIGHT if k != "q-intro-multiple")),
}

# POST routes where a person has nothing to fill in, or nothing required.
NOTHING_REQUIRED = {
    "auth.logout": "a button",
    "auth.sign_out_others": "a button",
    "auth.save_notifications": "check boxes, each may be off",
    "admin.import_confirm": "carries the file the admin uploaded, filled in by the site",
    "admin.toggle_active": "a button",
    "admin.reset_password": "a button",
    "admin.retry_message": "a button",
    "team.edit_assignment": "due date and note are both optional",
    "team.withdraw_assignment": "a button",
    "hr.revoke": "a button",
    "hr.reissue": "a button",
    "hr.delete": "a button",
    "assessment.start": "a button",
    "assessment.submit": "a button",
    "candidate.submit": "a button",
    "learn.mark_read": "a button",
    "plans.build": "a button",
    "reviews.cancel": "a button",
    "plans.agree": "a button",
    "plans.start": "a button",
    "plans.reopen": "a button",
    "plans.confirm": "a button",
    "plans.remove_item": "a button",
    "main.set_language": "the language buttons; none means the browser's",
}


def test_every_post_route_and_required_form_is_listed(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert not posts - set(CASES) - set(NOTHING_REQUIRED), "add these POST routes to CASES or NOTHING_REQUIRED"
    assert not (set(CASES) | set(NOTHING_REQUIRED)) - posts, "these listed routes no longer exist"
    with app.test_request_context():
        required = {
            cls.__name__
            for cls in form_classes()
            if any(
                isinstance(v, DataRequired | InputRequired) or type(v).__name__ == "FileRequired"
                for field in cls(meta={"csrf": False})
                for v in field.validators
            )
        }
    covered = {case.form for case in CASES.values()}
    assert not required - covered - {"ImportConfirmForm"}, "add a case for these forms with required fields"


@dataclass
class Context:
    app: object
    client: object
    make_user: Callable


def _expand(names, data, aliases) -> list[str]:
    """Field names of the case, ``r-*`` standing for every rating on the page (``level-*`` every level…)."""
    result = []
    for name in names:
        if name.endswith("-*"):
            result += sorted(k for k in data if k.startswith(name[:-1]))
        else:
            result.append(aliases.get(name, name))
    return result


def _shows_value(html: str, name: str, value: str) -> bool:
    """Whether the page offers ``value`` again in the field ``name`` (typed, checked or selected)."""
    quoted = re.escape(escape(name, quote=True))
    shown = re.escape(escape(value, quote=True))
    for tag in re.findall(rf'<input[^>]*name="{quoted}"[^>]*>', html):
        kind = re.search(r'type="(\w+)"', tag)
        if kind and kind.group(1) in ("radio", "checkbox"):
            if f'value="{escape(value, quote=True)}"' in tag and re.search(r"\bchecked\b", tag):
                return True
        elif re.search(rf'value="{shown}"', tag):
            return True
    if re.search(rf'<textarea[^>]*name="{quoted}"[^>]*>\s*{shown}\s*</textarea>', html):
        return True
    select_html = re.search(rf'<select[^>]*name="{quoted}"[^>]*>(.*?)</select>', html, re.S)
    options = re.findall(r"<option[^>]*>", select_html.group(1)) if select_html else []
    return any(f'value="{escape(value, quote=True)}"' in tag and re.search(r"\bselected\b", tag) for tag in options)


def _message_on(html: str, name: str) -> bool:
    """Whether the field ``name`` sits in a marked block (``has-error``) that carries a message (``class="error"``)."""
    for found in re.finditer(f'name="{re.escape(name)}"', html):
        at = found.start()
        start = html.rfind("has-error", 0, at)
        if start < 0 or at - start > 1500:
            continue
        following = html.find("has-error", at)
        block = html[start : min(at + 1500, following if following > 0 else len(html))]
        if re.search(r'class="error"[^>]*>\s*\S', block):
            return True
    return False


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_form_missing_a_required_field_comes_back_with_the_message_and_the_other_values(
    app, client, make_user, endpoint
):
    case = CASES[endpoint]
    sender, url, data, *more = case.prepare(Context(app, client, make_user))
    aliases = more[0] if more else {}
    missing = _expand([case.field], data, aliases)
    kept = _expand(case.kept, data, aliases)
    missing = missing[:1] if case.field.endswith("-*") else missing
    kept = [name for name in kept if name not in missing]
    if case.broken is not None:
        data = {**data, missing[0]: case.broken}
    else:
        data = {k: v for k, v in data.items() if k != missing[0]}
    response = sender.post(url, data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 422), (endpoint, response.status_code)
    assert "error-page" not in html, f"{endpoint}: an error page instead of the form"
    assert _message_on(html, missing[0]), f"{endpoint}: no message next to {missing[0]}"
    lost = [name for name in kept if not _shows_value(html, name, _first(data[name]))]
    assert not lost, f"{endpoint}: these values were lost: {lost}"
    if case.broken is not None:
        assert _shows_value(html, missing[0], case.broken)


def _first(value) -> str:
    return str(value[0] if isinstance(value, list) else value)
