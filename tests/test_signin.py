"""Sign-in: the same hash work for every email, throttling that parallel guesses and strangers cannot beat."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from smmacademy.extensions import db
from smmacademy.models import LoginAttempt
from smmacademy.services import signin

from .conftest import PASSWORD, login


@pytest.fixture
def hash_checks(monkeypatch):
    """Every stored hash the sign-in compared a password with (thread-safe)."""
    seen: list[str] = []
    lock = threading.Lock()
    real = signin.check_password_hash

    def counting(stored, password):
        with lock:
            seen.append(stored)
        return real(stored, password)

    monkeypatch.setattr(signin, "check_password_hash", counting)
    return seen


def test_unknown_email_inactive_account_and_wrong_password_do_the_same_hash_work(app, client, make_user, hash_checks):
    make_user("admin")
    person = make_user("learner")
    retired = make_user("learner")
    retired.active = False
    db.session.commit()

    assert login(client, "nobody@example.com", "whatever-pass").status_code == 401
    assert len(hash_checks) == 1
    assert hash_checks[0].startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    assert login(client, person, "wrong-password").status_code == 401
    assert len(hash_checks) == 2 and hash_checks[1] == person.password_hash
    assert login(client, retired).status_code == 401
    assert len(hash_checks) == 3 and hash_checks[2] == retired.password_hash
    # The dummy hash is computed once, not per request.
    login(client, "someone-else@example.com", "whatever-pass")
    assert hash_checks[3] == hash_checks[0]


def test_unknown_and_known_emails_get_the_same_answer(client, make_user):
    make_user("admin")
    person = make_user("learner")
    unknown = login(client, "nobody@example.com", "wrong-password")
    known = login(client, person, "wrong-password")
    assert unknown.status_code == known.status_code == 401
    message = b"The email or password is not correct, or the account is deactivated."
    assert message in unknown.data and message in known.data


def _parallel_logins(app, email: str, count: int, address: str = "127.0.0.1") -> list[int]:
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt():
        browser = app.test_client()
        barrier.wait()
        response = browser.post(
            "/login", data={"email": email, "password": "wrong-password"}, environ_base={"REMOTE_ADDR": address}
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_parallel_wrong_passwords_never_get_more_guesses_than_the_limit(app, make_user, hash_checks):
    make_user("admin")
    person = make_user("learner")
    statuses = _parallel_logins(app, person.email, 12)
    assert len(statuses) == 12
    limit = app.config["LOGIN_THROTTLE_LIMIT"]
    assert statuses.count(401) <= limit
    assert statuses.count(401) + statuses.count(429) == 12
    assert len(hash_checks) == statuses.count(401)
    failures = db.session.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.email == person.email))
    assert failures == statuses.count(401)
    # Once the parallel burst is over, a plain sequence still stops at the limit.
    for _ in range(limit):
        login(app.test_client(), person, "wrong-password")
    assert len(hash_checks) <= limit


def test_a_stranger_at_another_address_cannot_lock_the_owner_out(app, make_user):
    make_user("admin")
    owner = make_user("admin")
    stranger = app.test_client()
    for _ in range(10):
        stranger.post(
            "/login",
            data={"email": owner.email, "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": "198.51.100.66"},
        )
    locked = stranger.post(
        "/login", data={"email": owner.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "198.51.100.66"}
    )
    assert locked.status_code == 429
    owner_browser = app.test_client()
    response = owner_browser.post(
        "/login", data={"email": owner.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "192.0.2.10"}
    )
    assert response.status_code == 302
    assert owner_browser.get("/admin/").status_code == 200


def test_a_successful_sign_in_forgets_only_that_addresses_failures(app, make_user):
    make_user("admin")
    person = make_user("learner")
    for address in ("192.0.2.1", "192.0.2.2"):
        app.test_client().post(
            "/login", data={"email": person.email, "password": "wrong-password"}, environ_base={"REMOTE_ADDR": address}
        )
    app.test_client().post(
        "/login", data={"email": person.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "192.0.2.1"}
    )
    assert list(db.session.scalars(select(LoginAttempt.address))) == ["192.0.2.2"]


def test_the_limits_come_from_the_settings(app, make_user):
    app.config.update(LOGIN_THROTTLE_LIMIT=2, LOGIN_ADDRESS_LIMIT=3)
    make_user("admin")
    person, other = make_user("learner"), make_user("learner")
    for _ in range(2):
        assert login(app.test_client(), person, "wrong-password").status_code == 401
    assert login(app.test_client(), person, "wrong-password").status_code == 429
    assert login(app.test_client(), other, "wrong-password").status_code == 401
    assert login(app.test_client(), other).status_code == 429  # the address made 3 failures
