"""Friendly error pages: they say what went wrong and never show a traceback."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

TITLES = {
    400: _l("The request could not be used"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}

# Flask-WTF's reasons, so the CSRF page reads in the visitor's language too.
CSRF_REASONS = {
    "The CSRF token is missing.": _l("The security token of the form is missing."),
    "The CSRF session token is missing.": _l("Your session has no security token (cookies may be blocked)."),
    "The CSRF token has expired.": _l("The security token of the form has expired."),
    "The CSRF token is invalid.": _l("The security token of the form is not valid."),
    "The CSRF tokens do not match.": _l("The security token of the form does not match your session."),
    "The referrer header is missing.": _l("The browser did not say which page sent the form."),
    "The referrer does not match the host.": _l("The form was sent from another site."),
}


def render_error(status: int, message: str | None = None):
    """Render the error page for ``status`` with an optional explanation."""
    title = str(TITLES.get(status, _("Error")))
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    """Register the handlers for HTTP errors, CSRF failures and crashes."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _(
                "The form expired or was not sent from this site (%(reason)s). Go back, reload the page and try again.",
                reason=CSRF_REASONS.get(error.description, error.description),
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        description = error.description if error.code in (400, 429) else None
        return render_error(error.code or 500, description)

    @app.errorhandler(Exception)
    def crash(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render_error(500, _("The problem has been logged. Please try again in a moment."))
