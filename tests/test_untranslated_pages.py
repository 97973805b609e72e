"""Every page, as every role, in Russian: no interface string is left in English."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from .conftest import login
from .test_access import ACCESS, ROLES, world  # noqa: F401 - the shared world fixture
from .test_hr import invite
from .test_i18n import ROOT

RU = {"Accept-Language": "ru"}
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def english_phrases() -> list[str]:
    """Literal pieces (two words or more) of every msgid whose Russian text differs from the English."""
    with (ROOT / "translations" / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    phrases = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if set(ids) <= set(strings):
            continue
        for text in ids:
            for piece in PLACEHOLDER.split(text):
                piece = piece.strip(" .,:;·—()\"'\n")
                if len(piece.split()) >= 2 and re.search(r"[A-Za-z]{3}", piece):
                    phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


class VisibleText(HTMLParser):
    """Text and visible attributes of a page, leaving out scripts and anything marked lang="en"."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    @property
    def hidden(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        skip = tag in ("script", "style") or values.get("lang") == "en" and tag != "html"
        if not self.hidden and not skip:
            self.parts += [v for k, v in attrs if k in VISIBLE_ATTRIBUTES and v]
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _skip = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


PHRASES = english_phrases()


def untranslated(html: str) -> list[str]:
    text = visible(html)
    return [p for p in PHRASES if re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", text)]


def test_the_checker_sees_english_interface_text_but_not_marked_english_content():
    assert PHRASES and "Sign out" in PHRASES
    assert untranslated("<p>Выйти</p><p lang='en'>Sign out</p>") == []
    assert untranslated("<button>Sign out</button>") == ["Sign out"]
    assert "Name, email or job title" in untranslated('<input placeholder="Name, email or job title">')


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_russian_for_each_role(app, client, world, role):  # noqa: F811
    users, ids = world
    if role != "anonymous":
        assert login(client, users[role]).status_code == 302
    problems = []
    for endpoint, (method, template, _expected) in ACCESS.items():
        if method != "GET" or endpoint == "auth.logout":
            continue
        url = template.format(**ids)
        response = client.get(url, headers=RU)
        if response.mimetype != "text/html":
            continue
        found = untranslated(response.get_data(as_text=True))
        if found:
            problems.append(f"{url} ({response.status_code}): {found[:5]}")
    assert not problems, "English left on Russian pages:\n" + "\n".join(problems)


def test_the_candidate_pages_are_russian(app, client, make_user):
    make_user("admin")
    login(client, make_user("hr"))
    client.post("/language", data={"language": "ru", "next": "/hr/"})
    _candidate, link, html = invite(client)
    assert not untranslated(html)
    browser = app.test_client()
    browser.get(link)
    pages = {"/candidate/": browser.get("/candidate/").get_data(as_text=True)}
    browser.post("/candidate/consent", data={"consent": "y"})
    for url in ("/candidate/", "/candidate/assessment/strategy", "/candidate/test"):
        pages[url + " (after consent)"] = browser.get(url).get_data(as_text=True)
    browser.post("/candidate/test", data={"action": "start"})
    pages["/candidate/test (started)"] = browser.get("/candidate/test").get_data(as_text=True)
    pages["/candidate/test/confirm"] = browser.get("/candidate/test/confirm").get_data(as_text=True)
    problems = {url: found for url, html in pages.items() if (found := untranslated(html))}
    assert not problems
