"""View: the administrator's start page (kept apart from routes.py, which is near the size limit)."""

from __future__ import annotations

from flask import current_app, render_template

from ..catalog_state import get_catalog
from ..security import role_required
from ..services.admin_overview import overview as build_overview
from . import bp


@bp.route("/overview")
@role_required("admin")
def overview():
    """Counts of people by role, departments, pending password changes, mail and content, with links."""
    data = build_overview(get_catalog(), current_app.config["SMMACADEMY_COURSES"], current_app.config["LANGUAGES"])
    return render_template("admin/overview.html", data=data)
