"""Course exports for other learning systems (admins): SCORM 1.2 packages."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from . import routes  # noqa: E402,F401
