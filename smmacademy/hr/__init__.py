"""HR: candidate invitations, reports, comparison, decisions, hiring and retention."""

from flask import Blueprint

bp = Blueprint("hr", __name__, url_prefix="/hr")

from . import routes  # noqa: E402,F401
