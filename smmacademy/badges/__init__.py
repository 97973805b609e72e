"""Open Badges 3.0: issuer profile, public key, status lists, badge downloads, revocation."""

from flask import Blueprint

bp = Blueprint("badges", __name__)

from . import routes  # noqa: E402,F401
