"""Self-service password reset: a single-use, expiring, signed link that arrives by real SMTP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from smmacademy.extensions import db
from smmacademy.models import OutboxMessage, PasswordResetToken, UserIdentity, UserSession
from smmacademy.models.base import utcnow
from smmacademy.services import password_reset, reminders

from .conftest import PASSWORD, login
from .mailserver import text_of

BASE = "https://academy.example"
NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp.config(), "SMMACADEMY_BASE_URL": BASE}


@pytest.fixture
def person(make_user):
    make_user("admin")
    return make_user("learner", full_name="Rita Reset", email="rita@corp.example")


def ask(client, email):
    return client.post("/password/forgot", data={"email": email})


def link_from(smtp, email="rita@corp.example") -> str:
    [message] = smtp.to(email)
    match = re.search(rf"{re.escape(BASE)}(/password/reset/\S+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def test_login_page_offers_the_reset_and_the_answer_does_not_tell_who_has_an_account(client, person, smtp):
    assert "Forgot password?" in client.get("/login").get_data(as_text=True)
    known = ask(client, "rita@corp.example")
    unknown = ask(client, "nobody@corp.example")
    assert known.status_code == unknown.status_code == 302
    known_page = client.get("/login").get_data(as_text=True)
    assert "If rita@corp.example belongs to an account here" in known_page
    ask(client, "nobody@corp.example")
    unknown_page = client.get("/login").get_data(as_text=True)
    assert "If nobody@corp.example belongs to an account here" in unknown_page
    reminders.run()
    assert len(smtp.messages) == 1 and smtp.to("rita@corp.example")
    message = smtp.to("rita@corp.example")[0]
    assert str(message["Subject"]).strip().startswith("Reset your password")
    assert "within 60 minutes" in text_of(message)
    # Only a hash of the token is stored, never the token in the link.
    token_row = db.session.scalar(select(PasswordResetToken))
    assert token_row.token_hash not in link_from(smtp)


def test_the_link_sets_a_password_once_through_the_policy_and_ends_every_session(app, client, person, smtp):
    other_device = app.test_client()
    assert login(other_device, person).status_code == 302
    ask(client, person.email)
    reminders.run()
    link = link_from(smtp)
    assert "Choose a new password" in client.get(link).get_data(as_text=True)

    weak = client.post(link, data={"password": "1111111111111", "confirm": "1111111111111"})
    assert weak.status_code == 400 and "too simple" in weak.get_data(as_text=True)
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.location == "/login"
    assert db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == person.id)) == 0
    assert other_device.get("/account").status_code == 302  # signed out there too

    assert login(client, person, PASSWORD).status_code == 401
    assert login(app.test_client(), person, NEW_PASSWORD).status_code == 302
    again = app.test_client().post(
        link, data={"password": "another-long-passphrase", "confirm": "another-long-passphrase"}
    )
    assert again.status_code == 400 and "not valid" in again.get_data(as_text=True)


def test_expired_tampered_and_superseded_links_are_refused_with_a_clear_page(app, client, person, smtp):
    ask(client, person.email)
    reminders.run()
    link = link_from(smtp)
    tampered = client.get(link[:-3] + "abc")
    assert tampered.status_code == 400 and "Ask for a new one" in tampered.get_data(as_text=True)
    db.session.execute(update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(link).status_code == 400
    # The signature's own age limit holds even if the row were still open.
    app.config["PASSWORD_RESET_MINUTES"] = -1  # any age is too old
    db.session.execute(update(PasswordResetToken).values(expires_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    assert client.get(link).status_code == 400


def test_using_one_link_retires_the_others(app, client, person, smtp):
    app.config["PASSWORD_RESET_LIMIT"] = 5
    ask(client, person.email)
    ask(client, person.email)
    reminders.run()
    first, second = [
        re.search(rf"{re.escape(BASE)}(/password/reset/\S+)", text_of(m)).group(1) for m in smtp.to(person.email)
    ]
    assert client.post(second, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert client.get(first).status_code == 400
    with pytest.raises(password_reset.ResetLinkError):
        password_reset.reset(second.rsplit("/", 1)[1], "yet-another-passphrase")


def test_requests_are_throttled_per_address_and_email(client, person, smtp):
    for _ in range(3):
        assert ask(client, person.email).status_code == 302
    throttled = ask(client, person.email)
    assert throttled.status_code == 429 and "Too many requests" in throttled.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3
    # Reset requests do not count as failed sign-ins: the person can still sign in.
    assert login(client, person).status_code == 302


def test_no_link_for_people_who_sign_in_only_through_the_company_directory(app, client, person, smtp):
    app.config["OIDC_LOCAL_PASSWORDS"] = False
    db.session.add(UserIdentity(user_id=person.id, provider="corp", issuer="https://idp", subject="rita"))
    db.session.commit()
    assert ask(client, person.email).status_code == 302
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert login(client, person).status_code == 401
