"""Administration: overview, users, departments, CSV import."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import overview, routes  # noqa: E402,F401
