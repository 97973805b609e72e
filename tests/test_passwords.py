"""One password policy: length, the 10,000 most common passwords, nothing made of the email or name."""

from __future__ import annotations

import pytest

from smmacademy.domain import passwords
from smmacademy.extensions import db
from smmacademy.services import accounts

from .conftest import PASSWORD


def test_the_shipped_list_holds_ten_thousand_common_passwords():
    common = passwords.common_passwords()
    assert len(common) == 10_000
    assert {"password", "123456", "qwerty", "password12", "1234567890"} <= common


@pytest.mark.parametrize(
    "password, code",
    [
        ("short-1", passwords.TOO_SHORT),
        (" leading-space-1", passwords.SPACES),
        ("aaaaaaaaaaaa", passwords.TOO_SIMPLE),
        ("password12", passwords.COMMON),
        ("1234567890", passwords.COMMON),
        ("PASSWORD12", passwords.COMMON),
        ("adalovelace1815", passwords.PERSONAL),
        ("Lovelace.Ada!!", passwords.PERSONAL),
        ("ada.lovelace2024", passwords.PERSONAL),
        ("x" * 201 + "yz12", passwords.TOO_LONG),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, code):
    problem = passwords.password_problem(password, "ada.lovelace@example.com", "Ada Lovelace")
    assert problem is not None and problem[0] == code


@pytest.mark.parametrize("password", ["correct-horse-battery", "Ada likes long walks", "lovelace-of-engines-42"])
def test_good_passwords_pass_even_when_they_mention_a_name(password):
    assert passwords.password_problem(password, "ada.lovelace@example.com", "Ada Lovelace") is None


def test_temporary_passwords_issued_on_creation_and_reset_meet_the_policy(app):
    for _ in range(200):
        accounts.validate_password(accounts.temporary_password(), "someone@example.com", "Some One")


def _setup(client, password):
    return client.post(
        "/setup",
        data={"full_name": "Ada Lovelace", "email": "ada@example.com", "password": password, "confirm": password},
    )


@pytest.mark.parametrize(
    "password, reason",
    [
        ("1234567890", b"one of the 10,000 most common passwords"),
        ("password12", b"one of the 10,000 most common passwords"),
        ("adalovelace99", b"made of your name or email address"),
    ],
)
def test_setup_refuses_weak_passwords_and_says_why(client, password, reason):
    response = _setup(client, password)
    assert response.status_code == 400
    assert reason in response.data
    assert client.get("/setup").status_code == 200  # nothing was created


def test_change_password_refuses_common_and_personal_passwords(client, login_as):
    user = login_as("learner", full_name="Grace Hopper", email="grace.hopper@example.com")
    for password, reason in [
        ("password12", b"one of the 10,000 most common passwords"),
        ("GraceHopper1906", b"made of your name or email address"),
    ]:
        response = client.post(
            "/account/password", data={"current": PASSWORD, "password": password, "confirm": password}
        )
        assert response.status_code == 400
        assert reason in response.data
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_create_user_command_refuses_a_common_password(runner):
    result = runner.invoke(
        args=["create-user", "--email", "w@example.com", "--name", "W", "--password-stdin"], input="1234567890\n"
    )
    assert result.exit_code == 1
    assert "one of the 10,000 most common passwords" in result.output
