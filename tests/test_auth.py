"""Sign-in, first-run setup, passwords, throttling, redirects, CSRF and headers."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from smmacademy import create_app
from smmacademy.extensions import db
from smmacademy.models import LoginAttempt, User

from .conftest import PASSWORD, csrf_token, login


def test_empty_database_shows_the_one_time_setup_page(client):
    assert client.get("/").location == "/setup"
    assert client.get("/login").location == "/setup"
    assert b"Create the first administrator account" in client.get("/setup").data


def test_setup_creates_the_first_admin_and_then_disappears(client):
    response = client.post(
        "/setup",
        data={
            "full_name": "Ada Admin",
            "email": "Ada@Example.com",
            "password": "long-enough-pass",
            "confirm": "long-enough-pass",
        },
    )
    assert response.status_code == 302 and response.location == "/admin/overview"  # the admin's start page
    admin = db.session.scalar(select(User))
    assert (admin.email, admin.role, admin.full_name) == ("ada@example.com", "admin", "Ada Admin")
    assert admin.password_hash.startswith("scrypt:")
    assert client.get("/setup").status_code == 404
    assert (
        client.post(
            "/setup",
            data={
                "full_name": "Eve",
                "email": "eve@example.com",
                "password": "long-enough-pass",
                "confirm": "long-enough-pass",
            },
        ).status_code
        == 404
    )
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_setup_rejects_mismatched_passwords_without_creating_anything(client):
    response = client.post(
        "/setup",
        data={
            "full_name": "Ada",
            "email": "ada@example.com",
            "password": "long-enough-pass",
            "confirm": "other-password-1",
        },
    )
    assert response.status_code == 400
    assert b"The two passwords differ." in response.data
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_login_is_case_insensitive_on_email_and_logout_needs_post(client, make_user):
    make_user("admin")
    user = make_user("learner", email="Mixed.Case@Example.com")
    assert user.email == "mixed.case@example.com"
    assert login(client, "MIXED.case@example.COM").status_code == 302
    assert client.get("/home").status_code == 200
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/home").status_code == 302


def test_wrong_password_and_inactive_account_are_refused(client, make_user):
    make_user("admin")
    user = make_user("learner")
    response = login(client, user, "wrong-password")
    assert response.status_code == 401
    assert b"The email or password is not correct" in response.data
    user.active = False
    db.session.commit()
    assert login(client, user).status_code == 401


def test_remember_me_sets_a_persistent_http_only_cookie(client, make_user):
    make_user("admin")
    user = make_user("learner")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember and "Expires=" in remember
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session


def _age_attempts(minutes: float) -> None:
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.created_at -= timedelta(minutes=minutes)
    db.session.commit()


def test_five_failures_pause_the_account_from_that_address_with_a_doubling_back_off(app, client, make_user):
    make_user("admin")
    user = make_user("learner")
    for _ in range(5):
        assert login(client, user, "wrong-password").status_code == 401
    response = login(client, user)  # even the right password is refused now
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts. Try again in 1 minute." in response.data
    _age_attempts(1.1)
    assert login(client, user, "wrong-password").status_code == 401  # one more guess after the pause
    response = login(client, user)
    assert response.status_code == 429
    assert b"Try again in 2 minutes." in response.data
    _age_attempts(2.1)
    assert login(client, user, "wrong-password").status_code == 401
    assert b"Try again in 4 minutes." in login(client, user).data


def test_failures_from_one_address_lock_every_account_from_it(client, make_user):
    make_user("admin")
    victims = [make_user("learner") for _ in range(20)]
    for victim in victims:
        login(client, victim, "wrong-password")
    fresh = make_user("learner")
    assert login(client, fresh).status_code == 429
    other_address = client.post(
        "/login", data={"email": fresh.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other_address.status_code == 302


def test_lock_expires_after_the_window(client, make_user):
    make_user("admin")
    user = make_user("learner")
    for _ in range(5):
        login(client, user, "wrong-password")
    _age_attempts(16)
    assert login(client, user).status_code == 302


def test_throttle_counters_live_in_the_database(client, make_user):
    make_user("admin")
    user = make_user("learner")
    login(client, user, "bad-password-1")
    assert db.session.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.email == user.email)) == 1


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/courses", "/courses"),
        ("https://evil.example/", "/home"),
        ("//evil.example/", "/home"),
        ("/\\evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
        ("courses", "/home"),
    ],
)
def test_next_only_redirects_within_the_site(client, make_user, target, expected):
    make_user("admin")
    user = make_user("learner")
    response = client.post("/login", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == expected


def test_must_change_password_sends_to_the_password_page_and_change_works(client, make_user):
    make_user("admin")
    user = make_user("learner")
    user.must_change_password = True
    db.session.commit()
    assert login(client, user).location == "/account/password"
    response = client.post(
        "/account/password", data={"current": PASSWORD, "password": "a-brand-new-pass", "confirm": "a-brand-new-pass"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("a-brand-new-pass") and not user.must_change_password


def test_change_password_requires_the_current_one(client, login_as):
    login_as("admin")
    response = client.post(
        "/account/password",
        data={"current": "not-it-at-all", "password": "a-brand-new-pass", "confirm": "a-brand-new-pass"},
    )
    assert response.status_code == 400
    assert b"The current password is not correct." in response.data


def test_csrf_token_is_required_on_forms(app_config, make_user):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    make_user("admin")
    email = make_user("learner").email
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"The form expired or was not sent from this site" in response.data
    token = csrf_token(client.get("/login").get_data(as_text=True))
    ok = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302


def test_page_csrf_token_is_signed_once_a_minute_per_session_and_accepted(app_config, make_user, monkeypatch):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    make_user("admin")
    email = make_user("learner").email
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        token = csrf_token(client.get("/login").get_data(as_text=True))
        assert (
            client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
        )
    minute = 60 * (int(time.time()) // 60 + 1)  # the clock is set within the next minute, then past it
    tokens = []
    for offset in (1, 30):
        monkeypatch.setattr(time, "time", lambda offset=offset: minute + offset)
        tokens.append(csrf_token(clients[0].get("/courses").get_data(as_text=True)))
    first, again = tokens
    assert first == again  # signed once in that minute, reused by the next page
    assert csrf_token(clients[1].get("/courses").get_data(as_text=True)) != first  # another session, another token
    monkeypatch.setattr(time, "time", lambda: minute + 61)
    later = csrf_token(clients[0].get("/courses").get_data(as_text=True))
    assert later != first  # a new minute signs anew
    for token in (first, later):  # both are still valid for this session
        response = clients[0].post("/language", data={"language": "en", "next": "/courses", "csrf_token": token})
        assert response.status_code == 302
    assert clients[1].post("/logout", data={"csrf_token": first}).status_code == 400  # not for another session


def test_security_headers_are_on_every_response(client, make_user):
    make_user("admin")
    response = client.get("/login")
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert client.get("/no-such-page").headers["X-Content-Type-Options"] == "nosniff"


def test_error_pages_are_friendly_and_never_show_a_traceback(app, client, make_user):
    make_user("admin")

    @app.route("/boom")
    def boom():
        raise RuntimeError("internal detail")

    boom.access_policy = "public"
    response = client.get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.data
    assert b"internal detail" not in response.data and b"Traceback" not in response.data
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and b"Page not found" in missing.data


def test_production_refuses_debug_and_missing_secret(app_config, monkeypatch):
    from smmacademy.config import ConfigError

    monkeypatch.delenv("SECRET_KEY", raising=False)
    base = {k: v for k, v in app_config.items() if k != "SECRET_KEY"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({**base, "ENV": "production"})
    with pytest.raises(ConfigError, match="debug"):
        create_app({**app_config, "ENV": "production", "DEBUG": True})
    app = create_app({**app_config, "ENV": "production"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_secret_key_is_generated_once_in_the_instance_folder(tmp_path, monkeypatch):
    from smmacademy.config import build_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = build_config(tmp_path)["SECRET_KEY"]
    assert len(first) == 64
    assert build_config(tmp_path)["SECRET_KEY"] == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_behind_a_proxy_the_forwarded_address_is_throttled(app_config, make_user):
    app = create_app({**app_config, "PROXY_COUNT": 1})
    client = app.test_client()
    make_user("admin")
    user = make_user("learner")
    for _ in range(5):
        client.post(
            "/login",
            data={"email": user.email, "password": "nope-nope-nope"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
    attempt = db.session.scalar(select(LoginAttempt))
    assert attempt.address == "203.0.113.7"


@pytest.mark.parametrize(
    "url", ["/assessment/start", "/assessment/submit", "/admin/users/1/active", "/hr/candidates/1/delete", "/logout"]
)
def test_every_post_without_a_csrf_token_is_refused_by_the_global_check(app_config, make_user, url):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    make_user("admin")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": make_user("admin").email, "password": PASSWORD, "csrf_token": token})
    response = client.post(url)
    assert response.status_code == 400
    assert b"The form expired or was not sent from this site" in response.data
