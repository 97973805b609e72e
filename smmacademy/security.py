"""Access policy, safe redirects and security headers.

Every view declares who may use it with one of the decorators below. A view
without a declaration is refused (deny by default), and the access test walks
every URL rule to check the table.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache, wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer

from .extensions import login_manager

ACCESS_ATTRIBUTE = "access_policy"
PUBLIC = "public"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone, signed in or not."""
    setattr(view, ACCESS_ATTRIBUTE, PUBLIC)
    return view


def role_required(*roles: str) -> Callable:
    """Allow signed-in users holding one of ``roles`` (admins pass every check).

    Anonymous visitors are sent to the login page; others get 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, tuple(roles))
        return wrapped

    return decorator


def login_required(view: Callable) -> Callable:
    """Allow any signed-in user."""
    from .models import ROLES

    return role_required(*ROLES)(view)


def safe_next(target: str | None, fallback: str) -> str:
    """Return ``target`` when it is a path on this site, else ``fallback``."""
    if not target:
        return fallback
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 for ch in target)
    ):
        return fallback
    return target


def landing_url(user, target: str | None = None) -> str:
    """Where ``user`` goes after signing in or opening ``/``: a safe ``next`` wins, else their role's start page.

    The role -> page rule itself is ``domain.landing.landing_endpoint``.
    """
    from .domain.landing import landing_endpoint

    return safe_next(target, url_for(landing_endpoint(user.role)))


def _enforce_declared_access():
    """Refuse any view that did not declare its access policy."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and getattr(view, ACCESS_ATTRIBUTE, None) is None:
        current_app.logger.error("view %s declares no access policy", request.endpoint)
        abort(403)
    return None


# What a person who must change a temporary password may still open.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static", "main.health"})


def _enforce_password_change():
    """Send a person with a temporary password to the change page, whatever they open."""
    if (
        request.endpoint not in PASSWORD_CHANGE_ENDPOINTS
        and current_user.is_authenticated
        and current_user.must_change_password
    ):
        return redirect(url_for("auth.change_password"))
    return None


def _security_headers(response):
    """Headers for every response; nothing a signed-in user receives is kept in a cache."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Pages, CSV exports, charts: any of them may carry personal data. A response
    # that chose its own caching (static files, course images) keeps it.
    if "Cache-Control" not in response.headers and _signed_in_as_far_as_known():
        response.headers["Cache-Control"] = "no-store"
    return response


def _signed_in_as_far_as_known() -> bool:
    """Whether the request is signed in, without a database look-up of its own.

    A view that needed the user has loaded it (Flask-Login keeps it in ``g``);
    otherwise a session that names a user counts (a stale one only costs a
    ``no-store``). Static files and /healthz thus answer a signed-in browser
    without touching the database.
    """
    loaded = g.get("_login_user")
    if loaded is not None:
        return loaded.is_authenticated
    return "_user_id" in session


# A page's CSRF token is signed at most once in this many seconds per session (see csrf_token).
CSRF_SIGNING_SECONDS = 60


@lru_cache(maxsize=2048)
def _signed_csrf(secret_key, raw_token: str, period: int) -> str:
    # ``period`` only ages the entry out; the token carries its own signing time.
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(raw_token)


def csrf_token() -> str:
    """The CSRF token for a template's form: Flask-WTF's, signed at most once a minute per session.

    Signing (a serializer, JSON, zlib, HMAC) cost more than the rest of the page
    header on every signed-in page. A token signed up to a minute ago proves the
    same thing: it carries the session's raw token, and Flask-WTF still checks it
    against ``WTF_CSRF_TIME_LIMIT`` (so a form expires at most a minute sooner).
    """
    config = current_app.config
    raw_token = session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not isinstance(raw_token, str):
        return generate_csrf()  # the session's first form: Flask-WTF creates the raw token
    secret_key = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    return _signed_csrf(secret_key, raw_token, int(time.time()) // CSRF_SIGNING_SECONDS)


def init_app(app: Flask) -> None:
    """Install the login manager (server-side sessions), the default-deny and password-change guards, headers."""
    from .services import sessions

    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        # Both cookies carry a server-side session token (User.get_id), never a user id.
        return sessions.load(token)

    @login_manager.unauthorized_handler
    def unauthorized():
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    app.before_request(_enforce_declared_access)
    app.before_request(_enforce_password_change)
    app.after_request(_security_headers)
    # Flask-WTF offers generate_csrf to templates as a global and from a context processor: replace both.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
