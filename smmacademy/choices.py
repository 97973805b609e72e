"""Select-list choices shared by forms of several blueprints."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import SelectChoice

from .extensions import db
from .models import Department

NONE = 0


def department_choices() -> list[SelectChoice]:
    """Every department by name, after a "none" choice (value 0)."""
    return [SelectChoice(NONE, _("— none —"))] + [
        SelectChoice(d.id, d.name) for d in db.session.scalars(Department.ordered())
    ]
