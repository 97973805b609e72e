"""Managers: team dashboard, member pages, assignments and exports."""

from flask import Blueprint

bp = Blueprint("team", __name__, url_prefix="/team")

from . import routes  # noqa: E402,F401
