"""Flask-Babel set-up: the interface language of each request and its helpers.

The language is chosen, first match wins, from: the candidate's invitation
(``g.language``, set by the candidate flow), the signed-in person's choice
(``User.language``), the visitor's cookie, the browser's Accept-Language and
finally ``SMMACADEMY_DEFAULT_LANGUAGE``.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import get_locale, get_translations, gettext, refresh
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from .extensions import babel

LANGUAGE_COOKIE = "language"
LANGUAGE_COOKIE_DAYS = 365


def supported(code: str | None) -> str | None:
    """``code`` when the site ships that interface language, else None."""
    return code if code in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """The interface language of the current request (see the module docstring)."""
    default = current_app.config["DEFAULT_LANGUAGE"]
    if not has_request_context():
        return default
    chosen = supported(g.get("language"))
    if chosen is None and current_user.is_authenticated:
        chosen = supported(current_user.language)
    chosen = chosen or supported(request.cookies.get(LANGUAGE_COOKIE))
    return chosen or request.accept_languages.best_match(current_app.config["LANGUAGES"]) or default


def use_language(code: str | None) -> None:
    """Make the rest of this request speak ``code`` (the candidate flow follows the invitation)."""
    g.language = supported(code)
    refresh()


def current_language() -> str:
    """The language code of the current request ('en' outside a request)."""
    locale = get_locale()
    return locale.language if locale else "en"


def localized(item):
    """A course's or module's wording in the reader's language, English when it is not translated."""
    return item.text_for(current_language())


def untranslated(item) -> bool:
    """True when the reader's language is not English and ``item`` has no translation into it."""
    language = current_language()
    return language != "en" and language not in item.texts


def certificate_course_title(certificate) -> str:
    """The certified course's title in the reader's language.

    The stored title is a snapshot; the translation is used only while the course
    still carries that English title, so a renamed course never rewrites a certificate.
    """
    from .catalog_state import get_catalog

    course = get_catalog().courses.get(certificate.course_slug)
    if course is None or course.title != certificate.course_title:
        return certificate.course_title
    return localized(course).title


def language_names() -> tuple[tuple[str, str], ...]:
    """(code, name in that language) for every shipped language, e.g. ("ru", "Русский")."""
    return _names(tuple(current_app.config["LANGUAGES"]))


@lru_cache(maxsize=8)
def _names(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    # Every page's header shows them: computed once, not per request.
    names = []
    for code in codes:
        name = Locale.parse(code).get_display_name(code) or code
        names.append((code, name[:1].upper() + name[1:]))
    return tuple(names)


def translated(problem: Exception) -> str:
    """The reader's-language text of an error raised by a Flask-free module (``message`` + ``values``)."""
    message = getattr(problem, "message", None)
    if message is None:
        return str(problem)
    return gettext(message, **problem.values)


def snapshot_profiles(snapshot: dict) -> dict[str, dict]:
    """A stored result's profiles with their names in the reader's language (by id)."""
    from .catalog_state import get_framework
    from .domain.report import name_in

    wording = get_framework()
    return {pid: {**p, "name": name_in(wording, "profiles", pid, p["name"])} for pid, p in snapshot["profiles"].items()}


def report_texts() -> dict[str, str]:
    """The wording of an assessment report's notes and chart series, in the reader's language."""
    return {
        "quizzes": gettext("%(passed)s of %(total)s quizzes passed"),
        "target": gettext("%(profile)s target"),
        "self": gettext("Self-rating"),
    }


def _formatted(eval_ctx, text: str, variables: dict) -> str:
    # Jinja's "newstyle" gettext: always a format string; on an autoescaped page the catalogue's text is
    # markup (our own messages, as Jinja trusts them) and every variable is escaped by Markup's "%".
    trusted = Markup(text) if eval_ctx.autoescape else text  # noqa: S704  # nosec B704
    return trusted % variables


@pass_eval_context
def _template_gettext(eval_ctx, string: str, **variables) -> str:
    return _formatted(eval_ctx, _request_translations().ugettext(string), variables)


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, _request_translations().ungettext(singular, plural, num), variables)


@pass_eval_context
def _template_pgettext(eval_ctx, context: str, string: str, **variables) -> str:
    variables.setdefault("context", context)
    return _formatted(eval_ctx, _request_translations().upgettext(context, string), variables)


@pass_eval_context
def _template_npgettext(eval_ctx, context: str, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _formatted(eval_ctx, _request_translations().unpgettext(context, singular, plural, num), variables)


def install_template_gettext(environment) -> None:
    """Give templates ``_``, ``gettext``, ``ngettext``... with Jinja's newstyle behaviour, minus its indirection.

    A page calls ``_()`` some 25 times. Jinja's own callables reach the catalogue
    through an alias, two context calls and a wrapper; Flask-Babel's, through ``g``
    on every call. These read the request's catalogue once (``_request_translations``)
    and format exactly as Jinja's newstyle gettext does (tests/test_template_gettext.py).
    """
    environment.newstyle_gettext = True  # {% trans %} blocks then compile to calls that format, as these do
    environment.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )


def _request_translations():
    """The request's catalogue, looked up once per request.

    Kept in Flask-Babel's own per-request namespace under the key its ``refresh()``
    clears, so ``use_language`` still switches the rest of the page.
    """
    state = g.get("_flask_babel") if has_app_context() else None
    cached = getattr(state, "babel_translations", None)
    if cached is not None:
        return cached
    translations = get_translations()  # creates g._flask_babel inside an app context
    if has_app_context() and g.get("_flask_babel") is not None:
        g._flask_babel.babel_translations = translations
    return translations


def init_app(app: Flask) -> None:
    """Bind Babel with the locale selector and the project's translations folder."""
    from .config import PROJECT_ROOT

    directory = PROJECT_ROOT / "translations"
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(directory))
    install_template_gettext(app.jinja_env)
    for language in (code for code in app.config["LANGUAGES"] if code != "en"):  # English is the source
        if not (directory / language / "LC_MESSAGES" / "messages.mo").exists():
            # The site still runs, but that language's pages would silently be English.
            app.logger.warning("no compiled %s translation: run `make translations` (pybabel compile)", language)
