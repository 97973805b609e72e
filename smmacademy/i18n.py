"""Flask-Babel set-up: every UI string goes through gettext."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request

from .extensions import babel


def select_locale() -> str:
    """The best interface language the browser accepts among those we ship."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI: messages from services in the default language
        return languages[0]
    return request.accept_languages.best_match(languages) or languages[0]


def init_app(app: Flask) -> None:
    """Bind Babel with the locale selector and the project's translations folder."""
    from .config import PROJECT_ROOT

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PROJECT_ROOT / "translations"),
    )
