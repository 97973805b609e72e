"""The Russian edition is complete: every UI string is extracted, translated and pluralised."""

from __future__ import annotations

import re
import shlex
import subprocess  # nosec B404 - runs the project's own pybabel, no user input
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_date, ngettext

ROOT = Path(__file__).parent.parent
POT = ROOT / "translations" / "messages.pot"
TEMPLATES = ROOT / "templates"
LANGUAGES = ("ru",)
# Text that is the same in every language and may stand outside gettext.
ALLOWED_LITERALS = ("SMM Academy",)
# Attributes whose values people see or hear (tooltips, placeholders, screen readers, confirm dialogs).
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-confirm")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_template_is_translated_and_not_fuzzy(language):
    po = _catalog(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", language)
    problems = []
    for message in _catalog(POT):
        if not message.id:
            continue
        translated = po.get(message.id)
        if translated is None:
            problems.append(f"missing: {message.id!r}")
            continue
        strings = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        if not all(s.strip() for s in strings):
            problems.append(f"empty: {message.id!r}")
        if translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(PLACEHOLDER.findall(s) for s in source))
        problems += [f"placeholders differ: {text!r}" for text in strings if set(PLACEHOLDER.findall(text)) != wanted]
    assert not problems, "\n".join(problems)


def _extract_command(output: Path) -> list[str]:
    """The Makefile's own ``pybabel extract`` line, writing to ``output`` instead."""
    recipe = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    line = next(line for line in recipe.splitlines() if "pybabel extract" in line)
    args = shlex.split(line.split("pybabel", 1)[1])
    index = args.index("-o")
    args[index + 1] = str(output)
    return [str(Path(sys.executable).with_name("pybabel")), *args]


def test_the_message_template_is_up_to_date_with_the_sources(tmp_path):
    fresh = tmp_path / "fresh.pot"
    subprocess.run(_extract_command(fresh), cwd=ROOT, check=True, capture_output=True)  # nosec B603
    new, old = _ids(_catalog(fresh)), _ids(_catalog(POT))
    assert not new - old, f"run `make messages`: not yet in messages.pot: {sorted(new - old, key=str)}"
    assert not old - new, f"run `make messages`: no longer in the sources: {sorted(old - new, key=str)}"


def visible_text(source: str) -> list[str]:
    """What a template shows a person once every Jinja expression and tag is gone."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    # A block that fills an attribute (the body class) is markup, not text.
    text = re.sub(r"\{%\s*block body_class\s*%\}.*?\{%\s*endblock\s*%\}", " ", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    found = []

    def tag(match: re.Match) -> str:
        markup = match.group(0)
        for attribute in re.finditer(r"\b([\w-]+)\s*=\s*\"([^\"]*)\"", markup):
            name, value = attribute.groups()
            # An <input type=submit> shows its value; a <button>'s value is only sent.
            is_button_value = name == "value" and re.match(r'<input\b[^>]*type="(submit|button|reset)"', markup)
            if name in VISIBLE_ATTRIBUTES or is_button_value:
                found.append(value)
        return " "

    text = re.sub(r"<[^>]*>", tag, text, flags=re.S)
    # Attributes written by a macro outside any tag, e.g. aria-sort="…".
    text = re.sub(r"\b[\w-]+=\"[^\"]*\"", " ", text)
    found.extend(text.splitlines())
    return found


def untranslated_text(source: str) -> list[str]:
    """Lines of ``source`` with letters that do not pass through gettext."""
    problems = []
    for chunk in visible_text(source):
        cleaned = re.sub(r"&[#\w]+;", " ", chunk)
        for literal in ALLOWED_LITERALS:
            cleaned = cleaned.replace(literal, " ")
        if re.search(r"[^\W\d_]", cleaned):
            problems.append(chunk.strip())
    return problems


def test_the_template_checker_finds_text_outside_gettext():
    assert untranslated_text("<p>{{ _('Fine') }}</p><p>Not fine</p>") == ["Not fine"]
    assert untranslated_text('<input placeholder="Search">') == ["Search"]
    assert untranslated_text('<button type="submit" title="{{ _(\'Go\') }}">{{ _("Go") }}</button>') == []
    assert untranslated_text("<a>SMM Academy</a>{# a comment #}") == []
    assert untranslated_text('<input type="submit" value="Send">') == ["Send"]
    assert untranslated_text('<button name="action" value="start">{{ _("Start") }}</button>') == []


def test_no_template_shows_text_outside_gettext():
    problems = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (found := untranslated_text(path.read_text()))
    }
    assert not problems, f"wrap these in _() or ngettext(): {problems}"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 модуль"), (2, "2 модуля"), (5, "5 модулей"), (11, "11 модулей"), (21, "21 модуль"), (24, "24 модуля")],
)
def test_russian_plurals_follow_the_number(app, count, expected):
    with app.test_request_context(), force_locale("ru"):
        assert ngettext("%(num)s module", "%(num)s modules", count) == expected


def test_dates_are_written_in_the_readers_language(app):
    from datetime import date

    with app.test_request_context(), force_locale("ru"):
        assert format_date(date(2026, 3, 8), "long") == "8 марта 2026\u202fг."
    with app.test_request_context(), force_locale("en"):
        assert format_date(date(2026, 3, 8), "long") == "March 8, 2026"
