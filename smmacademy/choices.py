"""Select-list choices shared by forms of several blueprints."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import SelectChoice

from .extensions import db
from .models import Department
from .services.accounts import managers

NONE = 0


def department_choices() -> list[SelectChoice]:
    """Every department by name, after a "none" choice (value 0)."""
    return [SelectChoice(NONE, _("— none —"))] + [
        SelectChoice(d.id, d.name) for d in db.session.scalars(Department.ordered())
    ]


def manager_choices() -> list[SelectChoice]:
    """Active people who can lead a team, by name, after a "choose" prompt (value 0)."""
    return [SelectChoice(NONE, _("Choose a line manager…"))] + [
        SelectChoice(m.id, f"{m.full_name} · {m.job_title}" if m.job_title else m.full_name)
        for m in managers(active_only=True)
    ]
