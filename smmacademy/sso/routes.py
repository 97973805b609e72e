"""Views: start a corporate sign-in, and the provider's redirect back."""

from __future__ import annotations

from authlib.integrations.base_client import OAuthError
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from requests import RequestException

from ..auth.routes import start_session
from ..security import landing_url, public, safe_next
from ..services import identities
from . import EXTENSION, bp

NEXT_KEY = "sso_next"


def _client(provider: str):
    if provider not in current_app.config["OIDC_PROVIDERS"]:
        abort(404)
    return current_app.extensions[EXTENSION].create_client(provider)


def _refused(message: str, status: int):
    return render_template("sso/refused.html", message=message), status


@bp.route("/<provider>")
@public
def start(provider: str):
    client = _client(provider)
    session[NEXT_KEY] = safe_next(request.args.get("next"), "")  # "" = the role's start page
    try:
        return client.authorize_redirect(url_for("sso.callback", provider=provider, _external=True))
    except (OAuthError, RequestException, ValueError) as error:
        current_app.logger.warning("sign-in with %s could not start: %s", provider, error)
        return _refused(_("The identity provider cannot be reached right now. Try again in a moment."), 502)


@bp.route("/<provider>/callback")
@public
def callback(provider: str):
    client = _client(provider)
    try:
        token = client.authorize_access_token()
        claims = token.get("userinfo")
        if not claims:
            raise OAuthError(description="no ID token in the provider's answer")
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as error:
        # Bad signature, wrong audience or issuer, expired token, replayed nonce, unknown state...
        current_app.logger.warning("sign-in with %s refused: %s: %s", provider, type(error).__name__, error)
        return _refused(
            _(
                "The identity provider's answer could not be verified (%(reason)s), so you were not signed in. "
                "Start again from the sign-in page.",
                reason=type(error).__name__,
            ),
            401,
        )
    try:
        user = identities.sign_in(provider, current_app.config["OIDC_PROVIDERS"][provider], dict(claims))
    except identities.SignInRefused as error:
        return _refused(str(error), 403)
    start_session(user, remember=False)
    return redirect(landing_url(user, session.pop(NEXT_KEY, None)))
