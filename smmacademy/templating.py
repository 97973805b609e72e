"""Template helpers: navigation per role, labels and date filters."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .domain.devices import describe as describe_device
from .i18n import certificate_course_title, language_names, localized, snapshot_profiles, untranslated
from .services.csv_export import SEPARATOR_LABELS, chosen_separator

ROLE_LABELS = {
    "learner": _l("Learner"),
    "manager": _l("Manager"),
    "hr": _l("HR"),
    "admin": _l("Administrator"),
    "everyone": _l("Everyone"),
}

# (endpoint, label, roles allowed, blueprint that marks it active, roles it is hidden from)
# Reviews take one entry: people who run reviews open the rounds page, which links to their own
# requests; everyone else opens their requests. One entry keeps the header on one line at 1,280 px.
NAVIGATION = (
    ("main.home", _l("My learning"), None, "main", ()),
    ("learn.catalog", _l("Courses"), None, "learn", ()),
    ("assessment.intro", _l("Self-assessment"), None, "assessment", ()),
    ("team.dashboard", _l("My team"), ("manager",), "team", ()),
    ("reviews.rounds", _l("Reviews"), ("manager",), "reviews", ()),
    ("reviews.requests", _l("Review requests"), None, "reviews", ("manager",)),
    ("hr.candidates_list", _l("Candidates"), ("hr",), "hr", ()),
    ("admin.overview", _l("Administration"), ("admin",), "admin", ()),
)


def _shows(roles, hidden_from) -> bool:
    """Whether a navigation entry is for the signed-in user (admins hold every role)."""
    if hidden_from and current_user.has_role(*hidden_from):
        return False
    return not roles or current_user.has_role(*roles)


def nav_items() -> list[dict]:
    """The navigation entries the signed-in user may open.

    Every page's header shows them and they depend only on the role, the section
    and the site's path prefix: built once per combination (the labels are lazy,
    so each request still shows them in its own language).
    """
    if not current_user.is_authenticated:
        return []
    from flask import current_app

    built = current_app.extensions.setdefault("smmacademy_nav", {})
    key = (current_user.role, request.blueprint, request.script_root)
    if key not in built:
        built[key] = [
            {"url": url_for(endpoint), "label": label, "active": request.blueprint == blueprint}
            for endpoint, label, roles, blueprint, hidden_from in NAVIGATION
            if endpoint in current_app.view_functions and _shows(roles, hidden_from)
        ]
    return built[key]


def _date(value) -> str:
    if value is None:
        return "—"
    return format_date(value, "medium") if isinstance(value, (date, datetime)) else str(value)


def _number(value) -> str:
    """A score or level in the reader's notation (85.5 in English, 85,5 in Russian)."""
    return "—" if value is None else format_decimal(value, "#,##0.##")


def _datetime(value) -> str:
    return format_datetime(value, "medium") if isinstance(value, datetime) else "—"


CANDIDATE_STATUS_LABELS = {
    "invited": _l("Invited"),
    "started": _l("Started"),
    "submitted": _l("Submitted"),
    "reviewed": _l("Reviewed"),
    "shortlisted": _l("Shortlisted"),
    "rejected": _l("Rejected"),
    "hired": _l("Hired"),
}

# What each status means for HR's next step, in a sentence (the report's decision panel).
CANDIDATE_STATUS_HINTS = {
    "invited": _l("Invited; has not started the assessment yet."),
    "started": _l("Working on the assessment; not submitted yet."),
    "submitted": _l("Submitted the assessment; waiting for your decision."),
    "reviewed": _l("Reviewed; no final decision yet."),
    "shortlisted": _l("Shortlisted for the position."),
    "rejected": _l("Rejected."),
    "hired": _l("Hired; now an employee with an account."),
}

TEAM_STATUS_LABELS = {
    "on_track": _l("On track"),
    "behind": _l("Behind"),
    "overdue": _l("Overdue"),
    "inactive": _l("Inactive 30 days"),
}

# Development plan states (domain.plans) and the team dashboard's plan column (domain.plans.plan_status).
PLAN_STATE_LABELS = {
    "draft": _l("Draft"),
    "agreed": _l("Agreed"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
}
PLAN_STATUS_LABELS = {
    "on_track": _l("On track"),
    "behind": _l("Behind"),
    "draft": _l("Draft, not agreed"),
    "done": _l("Done"),
    "no_plan": _l("No plan"),
}

# Display names of domain.team assignment states (computed in services/assignments, never in templates).
ASSIGNMENT_STATE_LABELS = {
    "complete": _l("Done"),
    "overdue": _l("Overdue"),
    "due_soon": _l("Due soon"),
    "open": _l("Open"),
    "withdrawn": _l("Withdrawn"),
}

BAND_LABELS = {"ready": _l("Ready"), "close": _l("Close"), "developing": _l("Developing")}

CANDIDATE_EVENT_LABELS = {
    "invited": _l("Invited"),
    "started": _l("Started"),
    "test": _l("Knowledge test"),
    "submitted": _l("Submitted"),
    "status": _l("Decision"),
    "revoked": _l("Link revoked"),
    "reissued": _l("New link"),
    "hired": _l("Hired"),
    "note": _l("Note"),
}


# System events are stored in English (an audit trail); they are shown in the reader's language.
CANDIDATE_EVENT_TEXTS = {
    "started": _l("Consent given"),
    "submitted": _l("Candidate submitted the assessment"),
    "revoked": _l("Invitation link revoked"),
    "hired": _l("Converted into an employee account"),
}
DAYS = re.compile(r"(\d+) days")


def candidate_event_text(event) -> str:
    """The text of a candidate's history entry in the reader's language (HR notes stay as written)."""
    kind, text = event.kind, event.text or ""
    if kind == "note":
        return text
    if kind == "status":
        change, _sep, note = text.partition(": ")
        labels = " → ".join(str(CANDIDATE_STATUS_LABELS.get(s, s)) for s in change.split(" → "))
        return labels + (f": {note}" if note else "")
    days = DAYS.search(text)
    if kind == "invited" and days:
        return ngettext("Link valid for %(num)s day", "Link valid for %(num)s days", int(days[1]))
    if kind == "reissued" and days:
        return ngettext(
            "New link valid for %(num)s day; the old one no longer works",
            "New link valid for %(num)s days; the old one no longer works",
            int(days[1]),
        )
    if kind == "test" and "time limit ran out" in text:
        return gettext("Knowledge test closed: the time limit ran out")
    if kind == "test":
        late = "after the time limit" in text
        return gettext("Knowledge test submitted after the time limit") if late else gettext("Knowledge test submitted")
    return str(CANDIDATE_EVENT_TEXTS.get(kind, text))


def init_app(app: Flask) -> None:
    """Register the context processor and filters."""

    @app.context_processor
    def inject():
        locale = get_locale()
        return {
            "nav_items": nav_items(),
            "role_labels": ROLE_LABELS,
            "current_locale": locale.language if locale else "en",
            "language_names": language_names(),
            "candidate_status_labels": CANDIDATE_STATUS_LABELS,
            "candidate_status_hints": CANDIDATE_STATUS_HINTS,
            "status_labels": TEAM_STATUS_LABELS,
            "plan_status_labels": PLAN_STATUS_LABELS,
            "assignment_state_labels": ASSIGNMENT_STATE_LABELS,
            "band_labels": BAND_LABELS,
            "candidate_event_labels": CANDIDATE_EVENT_LABELS,
            "csv_separator_labels": SEPARATOR_LABELS,
        }

    app.add_template_global(localized, "localized")
    app.add_template_global(candidate_event_text, "candidate_event_text")
    app.add_template_global(certificate_course_title, "certificate_course_title")
    app.add_template_global(snapshot_profiles, "snapshot_profiles")
    app.add_template_global(untranslated, "untranslated")
    app.add_template_global(describe_device, "describe_device")
    app.add_template_global(chosen_separator, "csv_separator")
    app.add_template_filter(_date, "date")
    app.add_template_filter(_datetime, "datetime")
    app.add_template_filter(_number, "number")
