"""Interface language: per person, per visitor (cookie), per browser, per candidate invitation."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from smmacademy.config import ConfigError, build_config
from smmacademy.extensions import db
from smmacademy.models import Candidate, User
from smmacademy.services import accounts

from .conftest import login

RU = {"Accept-Language": "ru-RU,ru;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def lang_of(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.get_data(as_text=True)).group(1)


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def test_the_browser_language_picks_russian_and_the_html_says_so(client, admin):
    response = client.get("/login", headers=RU)
    html = response.get_data(as_text=True)
    assert lang_of(response) == "ru"
    assert "Войти" in html and "Sign in" not in html
    assert lang_of(client.get("/login", headers=EN)) == "en"


def test_an_unsupported_browser_language_falls_back_to_the_configured_default(app, client, admin):
    assert lang_of(client.get("/login", headers={"Accept-Language": "de"})) == "en"
    app.config["DEFAULT_LANGUAGE"] = "ru"
    assert lang_of(client.get("/login", headers={"Accept-Language": "de"})) == "ru"
    assert lang_of(client.get("/login")) == "ru"


def test_the_default_language_comes_from_the_environment_and_must_be_shipped(monkeypatch, tmp_path: Path):
    overrides = {"SECRET_KEY": "x" * 40}
    monkeypatch.setenv("SMMACADEMY_DEFAULT_LANGUAGE", "ru")
    assert build_config(tmp_path, overrides)["DEFAULT_LANGUAGE"] == "ru"
    assert build_config(tmp_path, overrides)["BABEL_DEFAULT_LOCALE"] == "ru"
    monkeypatch.setenv("SMMACADEMY_DEFAULT_LANGUAGE", "de")
    with pytest.raises(ConfigError, match="SMMACADEMY_DEFAULT_LANGUAGE"):
        build_config(tmp_path, overrides)


def test_a_visitor_switches_with_the_header_form_and_a_cookie_remembers_it(client, admin):
    page = client.get("/login", headers=EN).get_data(as_text=True)
    assert 'action="/language"' in page and 'name="csrf_token"' in page and 'value="ru"' in page
    response = client.post("/language", data={"language": "ru", "next": "/login?next=/home"}, headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/home"
    assert "language=ru" in response.headers["Set-Cookie"]
    again = client.get("/login", headers=EN)
    assert lang_of(again) == "ru" and "Язык интерфейса изменён." in again.get_data(as_text=True)


def test_the_switcher_returns_only_to_this_site(client, admin):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post("/language", data={"language": "ru", "next": target})
        assert response.status_code == 302 and response.headers["Location"] == "/", target


def test_a_language_that_is_not_offered_changes_nothing(client, admin):
    response = client.post("/language", data={"language": "de", "next": "/login"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Choose one of the languages offered." in html
    assert client.get_cookie("language") is None


def test_a_signed_in_persons_choice_is_stored_and_followed_on_any_browser(app, client, admin, login_as):
    user = login_as("learner")
    assert client.post("/language", data={"language": "ru", "next": "/home"}).status_code == 302
    assert db.session.get(User, user.id).language == "ru"
    other_browser = app.test_client()
    login(other_browser, user)
    home = other_browser.get("/home", headers=EN)
    assert lang_of(home) == "ru" and "Моё обучение" in home.get_data(as_text=True)


def test_the_account_page_offers_following_the_browser_again(client, admin, login_as):
    user = login_as("learner")
    accounts.set_language(user, "ru")
    page = client.get("/account", headers=EN).get_data(as_text=True)
    assert "Язык интерфейса" in page and re.search(r'<option selected value="ru">|<option value="ru" selected>', page)
    client.post("/language", data={"language": "", "next": "/account"})
    assert db.session.get(User, user.id).language is None
    assert lang_of(client.get("/account", headers=EN)) == "en"
    assert lang_of(client.get("/account", headers=RU)) == "ru"


@pytest.fixture
def hr(client, make_user):
    make_user("admin")
    user = make_user("hr")
    login(client, user)
    return user


def test_hr_chooses_the_invitation_language_and_the_candidate_flow_follows_it(app, client, hr):
    form = client.get("/hr/new", headers=EN).get_data(as_text=True)
    assert 'name="language"' in form and "Русский" in form
    response = client.post(
        "/hr/new",
        data={
            "full_name": "Вера Кандидатова",
            "email": "vera@mail.example",
            "profile_id": "smm-manager",
            "language": "ru",
        },
        headers=EN,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and lang_of(response) == "en"
    candidate = db.session.scalar(select(Candidate).where(Candidate.email == "vera@mail.example"))
    assert candidate.language == "ru"
    # HR reads the page in English; the e-mail draft for the candidate is in Russian.
    mailto = unquote(unescape(re.search(r'href="(mailto:[^"]+)"', html).group(1)))
    assert "Здравствуйте, Вера Кандидатова!" in mailto and "Hello" not in mailto
    link = re.search(r'id="invite-link" value="([^"]+)"', html).group(1).replace("http://localhost", "")
    browser = app.test_client()
    welcome = browser.get(link, headers=EN, follow_redirects=True)
    assert lang_of(welcome) == "ru"
    assert "Добро пожаловать, Вера Кандидатова" in welcome.get_data(as_text=True)
    assert 'action="/language"' not in welcome.get_data(as_text=True)  # no switcher: HR chose the language
    report = client.get(f"/hr/candidates/{candidate.id}", headers=EN).get_data(as_text=True)
    assert "<dt>Language of the invitation and the assessment</dt><dd>Русский</dd>" in report


def test_an_invitation_defaults_to_hrs_own_language(client, hr):
    form = client.get("/hr/new", headers=RU).get_data(as_text=True)
    assert re.search(r'<option selected value="ru">|<option value="ru" selected>', form)
    client.post(
        "/hr/new", data={"full_name": "Ann", "email": "ann@mail.example", "profile_id": "smm-manager"}, headers=EN
    )
    assert db.session.scalar(select(Candidate.language).where(Candidate.email == "ann@mail.example")) == "en"
