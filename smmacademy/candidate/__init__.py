"""The candidate's own flow, reached only through a private invitation link."""

from flask import Blueprint

bp = Blueprint("candidate", __name__, url_prefix="/candidate")


@bp.after_request
def no_referrer(response):
    # The invitation link must never leak to another site, or even to our own logs via Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


from . import routes  # noqa: E402,F401
