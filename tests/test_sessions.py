"""Server-side sessions: sign-out, remember-me, revocation, the sessions list, expiry, forced password change."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from smmacademy.extensions import db
from smmacademy.models import UserSession
from smmacademy.models.base import utcnow

from .conftest import PASSWORD, login

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def person(make_user):
    make_user("admin")
    return make_user("learner")


def sign_in(app, user, remember=False, user_agent=FIREFOX_WINDOWS, password=PASSWORD):
    """A new browser (test client) signed in as ``user``."""
    browser = app.test_client()
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = browser.post("/login", data=data, headers={"User-Agent": user_agent})
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def with_only_cookie(app, name, value):
    """A new browser holding nothing but one copied cookie."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser


def test_the_cookies_carry_a_random_token_whose_hash_alone_is_stored(app, person):
    browser = sign_in(app, person, remember=True)
    session_data = app.session_interface.get_signing_serializer(app).loads(browser.get_cookie("session").value)
    token = session_data["_user_id"]
    assert token != str(person.id) and len(token) >= 40
    assert token in browser.get_cookie("remember_token").value
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == person.id))
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {record.token_hash, record.user_agent, record.address}


def test_the_old_session_cookie_is_refused_after_logout(app, person):
    browser = sign_in(app, person)
    old_cookie = browser.get_cookie("session").value
    assert browser.get("/account").status_code == 200
    assert browser.post("/logout").status_code == 302
    replay = with_only_cookie(app, "session", old_cookie)
    assert replay.get("/account").status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_the_remember_cookie_signs_in_until_logout_and_never_after(app, person):
    browser = sign_in(app, person, remember=True)
    remember = browser.get_cookie("remember_token").value
    assert with_only_cookie(app, "remember_token", remember).get("/account").status_code == 200
    browser.post("/logout")
    assert with_only_cookie(app, "remember_token", remember).get("/account").status_code == 302


def test_a_password_change_ends_the_other_sessions_and_remember_cookies_but_keeps_this_one(app, person):
    laptop = sign_in(app, person, remember=True)
    remember = laptop.get_cookie("remember_token").value
    phone = sign_in(app, person, user_agent=SAFARI_IPHONE)
    response = phone.post(
        "/account/password", data={"current": PASSWORD, "password": "a-brand-new-pass", "confirm": "a-brand-new-pass"}
    )
    assert response.status_code == 302
    assert phone.get("/account").status_code == 200
    assert laptop.get("/account").status_code == 302
    assert with_only_cookie(app, "remember_token", remember).get("/account").status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == person.id)) == 1


def test_an_admin_reset_ends_every_session_and_remember_cookie(app, make_user):
    admin = make_user("admin")
    person = make_user("learner")
    browser = sign_in(app, person, remember=True)
    remember = browser.get_cookie("remember_token").value
    admin_browser = sign_in(app, admin)
    assert admin_browser.post(f"/admin/users/{person.id}/password").status_code == 200
    assert browser.get("/account").status_code == 302
    assert with_only_cookie(app, "remember_token", remember).get("/account").status_code == 302


@pytest.mark.parametrize("change", ["deactivate", "role"])
def test_deactivation_and_a_role_change_end_the_persons_sessions(app, make_user, change):
    admin = make_user("admin")
    person = make_user("learner", full_name="Rita Role")
    browser = sign_in(app, person, remember=True)
    admin_browser = sign_in(app, admin)
    if change == "deactivate":
        assert admin_browser.post(f"/admin/users/{person.id}/active").status_code == 302
    else:
        response = admin_browser.post(
            f"/admin/users/{person.id}",
            data={"full_name": person.full_name, "email": person.email, "role": "manager", "active": "y"},
        )
        assert response.status_code == 302
    assert browser.get("/account").status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == person.id)) == 0


def test_editing_only_the_name_keeps_the_persons_sessions(app, make_user):
    admin = make_user("admin")
    person = make_user("learner")
    browser = sign_in(app, person)
    admin_browser = sign_in(app, admin)
    response = admin_browser.post(
        f"/admin/users/{person.id}",
        data={"full_name": "New Name", "email": person.email, "role": "learner", "active": "y"},
    )
    assert response.status_code == 302
    assert browser.get("/account").status_code == 200


def test_the_account_page_lists_sessions_and_signs_out_everywhere_else(app, person):
    laptop = sign_in(app, person, user_agent=FIREFOX_WINDOWS)
    phone = sign_in(app, person, user_agent=SAFARI_IPHONE)
    html = phone.get("/account").get_data(as_text=True)
    assert "Firefox on Windows" in html and "Safari on iPhone" in html
    assert html.count("this device") == 1
    assert "Sign out everywhere else" in html
    response = phone.post("/account/sessions/sign-out-others", follow_redirects=True)
    assert b"Signed out on 1 other device." in response.data
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200
    assert "You are signed in on this device only." in phone.get("/account").get_data(as_text=True)


def _only_session() -> UserSession:
    return db.session.scalar(select(UserSession))


@pytest.mark.parametrize(
    "remember, field, age",
    [
        (False, "last_seen_at", timedelta(minutes=121)),  # idle limit (SESSION_IDLE_MINUTES=120)
        (True, "last_seen_at", timedelta(days=7, minutes=1)),  # REMEMBER_IDLE_DAYS=7
        (False, "expires_at", timedelta(seconds=1)),  # absolute limit reached
        (True, "expires_at", timedelta(seconds=1)),
    ],
)
def test_sessions_end_after_their_idle_and_absolute_limits(app, person, remember, field, age):
    browser = sign_in(app, person, remember=remember)
    record = _only_session()
    if field == "last_seen_at":
        record.last_seen_at = utcnow() - age
    else:
        record.expires_at = utcnow() - age
    db.session.commit()
    assert browser.get("/account").status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_session_lifetimes_follow_the_configuration(app, person):
    app.config.update(SESSION_MAX_HOURS=2, REMEMBER_DAYS=3)
    sign_in(app, person)
    sign_in(app, person, remember=True)
    lifetimes = sorted(
        round((r.expires_at - r.created_at).total_seconds() / 3600) for r in db.session.scalars(select(UserSession))
    )
    assert lifetimes == [2, 72]


def test_last_seen_is_written_at_most_every_few_minutes(app, person):
    browser = sign_in(app, person)
    record = _only_session()
    recent = utcnow() - timedelta(seconds=30)
    record.last_seen_at = recent
    db.session.commit()
    browser.get("/account")
    db.session.refresh(record)
    assert record.last_seen_at == recent
    stale = utcnow() - timedelta(minutes=6)
    record.last_seen_at = stale
    db.session.commit()
    browser.get("/account")
    db.session.refresh(record)
    assert record.last_seen_at > stale + timedelta(minutes=5)


@pytest.mark.parametrize("url", ["/home", "/account", "/courses", "/assessment/", "/admin/"])
def test_a_temporary_password_must_be_changed_before_anything_else(app, make_user, url):
    make_user("admin")
    person = make_user("admin" if url == "/admin/" else "learner")
    person.must_change_password = True
    db.session.commit()
    browser = app.test_client()
    assert login(browser, person).location == "/account/password"
    response = browser.get(url)
    assert response.status_code == 302 and response.location == "/account/password"
    assert browser.post("/assessment/start").location == "/account/password"
    assert browser.get("/account/password").status_code == 200
    assert browser.get("/static/css/app.css").status_code == 200
    response = browser.post(
        "/account/password", data={"current": PASSWORD, "password": "my-own-new-pass", "confirm": "my-own-new-pass"}
    )
    assert response.status_code == 302
    assert browser.get(url).status_code == 200


def test_a_person_with_a_temporary_password_can_still_sign_out(app, make_user):
    make_user("admin")
    person = make_user("learner")
    person.must_change_password = True
    db.session.commit()
    browser = app.test_client()
    login(browser, person)
    assert browser.post("/logout").location == "/login"
    assert browser.get("/home").location == "/login?next=/home"
