"""Template helpers: navigation per role, labels and date filters."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .domain.devices import describe as describe_device

ROLE_LABELS = {
    "learner": _l("Learner"),
    "manager": _l("Manager"),
    "hr": _l("HR"),
    "admin": _l("Administrator"),
    "everyone": _l("Everyone"),
}

# (endpoint, label, roles allowed, blueprint that marks it active)
NAVIGATION = (
    ("main.home", _l("Home"), None, "main"),
    ("learn.catalog", _l("Courses"), None, "learn"),
    ("assessment.intro", _l("Self-assessment"), None, "assessment"),
    ("team.dashboard", _l("My team"), ("manager",), "team"),
    ("hr.candidates_list", _l("Candidates"), ("hr",), "hr"),
    ("admin.users", _l("Administration"), ("admin",), "admin"),
)


def nav_items() -> list[dict]:
    """The navigation entries the signed-in user may open."""
    if not current_user.is_authenticated:
        return []
    from flask import current_app

    items = []
    for endpoint, label, roles, blueprint in NAVIGATION:
        if endpoint not in current_app.view_functions:
            continue
        if roles and not current_user.has_role(*roles):
            continue
        items.append({"url": url_for(endpoint), "label": label, "active": request.blueprint == blueprint})
    return items


def _date(value) -> str:
    if value is None:
        return "—"
    return format_date(value, "medium") if isinstance(value, (date, datetime)) else str(value)


def _datetime(value) -> str:
    return format_datetime(value, "medium") if isinstance(value, datetime) else "—"


def init_app(app: Flask) -> None:
    """Register the context processor and filters."""

    @app.context_processor
    def inject():
        locale = get_locale()
        return {
            "nav_items": nav_items(),
            "role_labels": ROLE_LABELS,
            "current_locale": locale.language if locale else "en",
        }

    app.add_template_global(describe_device, "describe_device")
    app.add_template_filter(_date, "date")
    app.add_template_filter(_datetime, "datetime")
