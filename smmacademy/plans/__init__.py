"""Individual development plans: the plan page, its states, own actions and exports."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")

from . import routes  # noqa: E402,F401
