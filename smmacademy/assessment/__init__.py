"""The role-competency self-assessment."""

from flask import Blueprint

bp = Blueprint("assessment", __name__, url_prefix="/assessment")

from . import routes  # noqa: E402,F401
