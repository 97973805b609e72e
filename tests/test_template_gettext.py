"""The templates' gettext callables (i18n.install_template_gettext) behave exactly as Jinja's newstyle ones."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, get_translations
from jinja2 import Environment

from smmacademy.i18n import install_template_gettext

# Messages from the catalogue (so Russian really translates them), with and without variables, plural
# forms, a context, a {% trans %} block, a literal percent sign and a variable holding markup.
SNIPPETS = [
    "{{ _('Courses') }}",
    "{{ _('Module %(n)s of %(total)s', n=2, total=6) }}",
    "{{ _('pass mark %(m)s%%', m=80) }}",
    "{{ _('Module %(n)s of %(total)s', n='<script>', total=user) }}",
    "{{ ngettext('%(num)s question', '%(num)s questions', count) }}",
    "{{ gettext('Sign out') }}",
    "{{ pgettext('menu', 'Courses') }}",
    "{{ npgettext('menu', '%(num)s question', '%(num)s questions', count) }}",
    "{% trans %}Courses{% endtrans %}",
    "{% trans n=count %}{{ n }} min{% endtrans %}",
    "{{ _('%(missing)s is not given') }}",
    "{% trans count=count %}{{ count }} question{% pluralize %}{{ count }} questions{% endtrans %}",
    "{{ _('No such text in the catalogue: %(x)s', x=user) }}",
]


def _environments(autoescape: bool) -> tuple[Environment, Environment]:
    """Jinja's own newstyle callables against ours, on the same request catalogue."""
    # Both settings are compared: the plain-text one is what mail bodies use.
    stock = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)  # noqa: S701  # nosec B701
    translations = get_translations()
    stock.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=translations.ugettext,
        ngettext=translations.ungettext,
        newstyle=True,
        pgettext=translations.upgettext,
        npgettext=translations.unpgettext,
    )
    ours = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)  # noqa: S701  # nosec B701
    install_template_gettext(ours)
    return stock, ours


def _outcome(environment: Environment, snippet: str, values: dict) -> str:
    """The rendered text, or the error it raised (a mistake in a template fails the same way)."""
    try:
        return environment.from_string(snippet).render(values)
    except Exception as error:  # noqa: BLE001 - compared, not handled
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("snippet", SNIPPETS)
def test_template_gettext_renders_what_jinjas_newstyle_gettext_renders(app, language, autoescape, snippet):
    with app.test_request_context(), force_locale(language):
        stock, ours = _environments(autoescape)
        for count in (1, 3, 5, 21):
            values = {"count": count, "user": "Ann & <b>Bob</b>"}
            assert _outcome(ours, snippet, values) == _outcome(stock, snippet, values)


def test_template_gettext_translates_and_escapes_on_a_russian_page(app):
    with app.test_request_context(), force_locale("ru"):
        _stock, ours = _environments(autoescape=True)
        html = ours.from_string("{{ _('Module %(n)s of %(total)s', n='<i>', total=6) }}").render()
    assert html == "Модуль &lt;i&gt; из 6"


def test_the_app_templates_use_the_direct_callables(app):
    assert app.jinja_env.globals["_"] is app.jinja_env.globals["gettext"]
    assert app.jinja_env.globals["_"].__name__ == "_template_gettext"
