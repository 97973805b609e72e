"""Corporate sign-in through OpenID Connect providers (Authlib)."""

from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask

bp = Blueprint("sso", __name__, url_prefix="/login/sso")

EXTENSION = "smmacademy_oidc"


def init_app(app: Flask) -> None:
    """Register one Authlib client per configured provider, on this app only.

    Each app gets its own registry: Authlib caches clients per registry, and a
    process may hold several apps (tests) with different providers.
    """
    from ..domain.sso import parse_role_map

    oauth = OAuth()
    for key, settings in app.config["OIDC_PROVIDERS"].items():
        parse_role_map(settings["role_map"])  # a bad mapping stops the start, not a sign-in
        oauth.register(
            key,
            client_id=settings["client_id"],
            client_secret=settings["client_secret"],
            server_metadata_url=settings["discovery_url"],
            # PKCE on top of the client secret; Authlib adds state and nonce and checks both.
            client_kwargs={"scope": settings["scope"], "code_challenge_method": "S256", "timeout": 10},
        )
    oauth.init_app(app)
    app.extensions[EXTENSION] = oauth

    @app.context_processor
    def sso_providers():
        return {"sso_providers": [(key, s["name"]) for key, s in app.config["OIDC_PROVIDERS"].items()]}


from . import routes  # noqa: E402,F401
