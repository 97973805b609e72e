"""Configuration read from environment variables, with safe defaults."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """Raised when the configuration is unsafe or incomplete."""


def _instance_secret(instance_path: Path) -> str:
    """Return the secret key stored in the instance folder, creating it once."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions: the key signs every session cookie.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _mail_config(env) -> dict:
    """Mail (Flask-Mailman) and notification settings; no MAIL_SERVER = messages go to the log."""
    return {
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "SMM Academy <no-reply@localhost>"),
        "MAIL_TIMEOUT": int(env.get("MAIL_TIMEOUT", "20")),
        # Always real SMTP (Flask-Mailman would switch to an in-memory backend under TESTING).
        "MAIL_BACKEND": "smtp",
        # Absolute links in messages (the CLI has no request to take the host from).
        "SMMACADEMY_BASE_URL": env.get("SMMACADEMY_BASE_URL", ""),
        "MAIL_MAX_ATTEMPTS": int(env.get("SMMACADEMY_MAIL_MAX_ATTEMPTS", "8")),
        "MAIL_RETRY_SECONDS": int(env.get("SMMACADEMY_MAIL_RETRY_SECONDS", "60")),
        # 0 = Monday: the day `send-reminders` queues the managers' weekly digest.
        "DIGEST_WEEKDAY": int(env.get("SMMACADEMY_DIGEST_WEEKDAY", "0")),
        "PASSWORD_RESET_MINUTES": int(env.get("SMMACADEMY_PASSWORD_RESET_MINUTES", "60")),
        "PASSWORD_RESET_LIMIT": int(env.get("SMMACADEMY_PASSWORD_RESET_LIMIT", "3")),
    }


def _oidc_config(env) -> dict:
    """OpenID Connect providers: SMMACADEMY_OIDC_PROVIDERS=corp,... and SMMACADEMY_OIDC_<NAME>_* per provider."""
    providers = {}
    for name in filter(None, (n.strip().lower() for n in env.get("SMMACADEMY_OIDC_PROVIDERS", "").split(","))):
        prefix = f"SMMACADEMY_OIDC_{name.upper()}_"
        providers[name] = {
            "name": env.get(prefix + "NAME", name.title()),
            "discovery_url": env.get(prefix + "DISCOVERY_URL", ""),
            "client_id": env.get(prefix + "CLIENT_ID", ""),
            "client_secret": env.get(prefix + "CLIENT_SECRET", ""),
            "scope": env.get(prefix + "SCOPE", "openid email profile"),
            "groups_claim": env.get(prefix + "GROUPS_CLAIM", "groups"),
            # "directory group=role" pairs, e.g. "smm-leads=manager,people-team=hr".
            "role_map": env.get(prefix + "ROLE_MAP", ""),
            "department_claim": env.get(prefix + "DEPARTMENT_CLAIM", "department"),
            "create_accounts": _flag(env.get(prefix + "CREATE_ACCOUNTS"), True),
        }
    return {
        "OIDC_PROVIDERS": providers,
        # Off: people who have signed in through a provider can no longer use a local password.
        "OIDC_LOCAL_PASSWORDS": _flag(env.get("SMMACADEMY_OIDC_LOCAL_PASSWORDS"), True),
    }


def build_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Assemble the configuration mapping for one application instance.

    Environment variables win over defaults and ``overrides`` (tests) win over
    both. In production (``SMMACADEMY_ENV=production``) the app refuses to start
    with debug on or without a real ``SECRET_KEY`` in the environment.
    """
    env = os.environ
    overrides = overrides or {}
    production = (overrides.get("ENV") or env.get("SMMACADEMY_ENV", "development")) == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'smmacademy.sqlite'}"
    config = {
        "ENV": "production" if production else "development",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SMMACADEMY_COURSES": env.get("SMMACADEMY_COURSES", str(PROJECT_ROOT / "courses")),
        # Rendered lessons and parsed front matter, so a restart redoes only edited files ("" = no cache).
        "CONTENT_CACHE_DIR": env.get("SMMACADEMY_CONTENT_CACHE_DIR", str(instance_path / "content-cache")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        # Interface languages shipped in translations/ (English is the source language).
        "LANGUAGES": ["en", "ru"],
        "DEFAULT_LANGUAGE": env.get("SMMACADEMY_DEFAULT_LANGUAGE", "en"),
        "LOGIN_THROTTLE_LIMIT": int(env.get("SMMACADEMY_LOGIN_LIMIT", "5")),
        "LOGIN_THROTTLE_MINUTES": int(env.get("SMMACADEMY_LOGIN_WINDOW_MINUTES", "15")),
        "LOGIN_ADDRESS_LIMIT": int(env.get("SMMACADEMY_LOGIN_ADDRESS_LIMIT", "20")),
        # Server-side sessions: an idle limit and an absolute limit, longer for
        # "keep me signed in"; last_seen is written at most every SESSION_TOUCH_SECONDS.
        "SESSION_IDLE_MINUTES": int(env.get("SMMACADEMY_SESSION_IDLE_MINUTES", "120")),
        "SESSION_MAX_HOURS": int(env.get("SMMACADEMY_SESSION_MAX_HOURS", "12")),
        "REMEMBER_IDLE_DAYS": int(env.get("SMMACADEMY_REMEMBER_IDLE_DAYS", "7")),
        "REMEMBER_DAYS": int(env.get("SMMACADEMY_REMEMBER_DAYS", "30")),
        "SESSION_TOUCH_SECONDS": 300,
        "CANDIDATE_INVITE_DAYS": int(env.get("SMMACADEMY_INVITE_DAYS", "14")),
        # Days from building a development plan to its items' suggested due date.
        "PLAN_DUE_DAYS": int(env.get("SMMACADEMY_PLAN_DUE_DAYS", "90")),
        "CANDIDATE_RETENTION_DAYS": int(env.get("SMMACADEMY_RETENTION_DAYS", "180")),
        # Seconds a timed knowledge test still accepts answers after its deadline (network delay).
        "CANDIDATE_TIME_GRACE_SECONDS": int(env.get("SMMACADEMY_TIME_GRACE_SECONDS", "60")),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # How many reverse proxies (nginx, a load balancer) stand in front of the app;
        # their X-Forwarded-For/-Proto headers are trusted for that many hops.
        "PROXY_COUNT": int(env.get("SMMACADEMY_PROXY_COUNT", "0")),
        # Open Badges: the issuer's Ed25519 key (generated once when missing) and the public
        # site address credentials name (default: the address of the request that signs).
        "BADGE_KEY_FILE": env.get("SMMACADEMY_BADGE_KEY_FILE", str(instance_path / "badge_key.pem")),
        "BADGE_BASE_URL": env.get("SMMACADEMY_BASE_URL", ""),
        **_mail_config(env),
        **_oidc_config(env),
    }
    config.update(overrides)
    if config["DEFAULT_LANGUAGE"] not in config["LANGUAGES"]:
        raise ConfigError(
            f"SMMACADEMY_DEFAULT_LANGUAGE must be one of {', '.join(config['LANGUAGES'])}, "
            f"not {config['DEFAULT_LANGUAGE']!r}."
        )
    config["BABEL_DEFAULT_LOCALE"] = config["DEFAULT_LANGUAGE"]
    config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=config["REMEMBER_DAYS"]))
    secret = config.get("SECRET_KEY") or env.get("SECRET_KEY")
    if production:
        if config.get("DEBUG") or env.get("FLASK_DEBUG") in {"1", "true", "True"}:
            raise ConfigError("Refusing to start: debug mode is on in production.")
        if not secret or len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"Refusing to start: set SECRET_KEY to a random string of at least "
                f"{MIN_SECRET_LENGTH} characters in production."
            )
    config["SECRET_KEY"] = secret or _instance_secret(instance_path)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A waiting writer retries instead of failing with "database is locked".
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 15}})
    else:
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    return config
