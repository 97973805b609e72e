"""At least one active administrator, always; /setup only on an empty site; both race-free.

The concurrent tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from smmacademy.extensions import db
from smmacademy.models import User
from smmacademy.services import accounts

from .conftest import login

# Long enough that, without the lock, the second transaction would read the
# admins before the first one commits.
RACE_WINDOW_SECONDS = 0.4


def _run_together(*jobs) -> list:
    """Run the callables in parallel threads started at the same moment; return their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        barrier.wait()
        results[index] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_admin_count(monkeypatch):
    """Widen the window between changing a role and checking the admins that remain."""
    real = accounts.count_active_admins

    def slow():
        time.sleep(RACE_WINDOW_SECONDS)
        return real()

    monkeypatch.setattr(accounts, "count_active_admins", slow)


def _demote(browser, target: User):
    # Read the values here: the thread has no access to this test's database session.
    url = f"/admin/users/{target.id}"
    data = {"full_name": target.full_name, "email": target.email, "role": "learner", "active": "y"}
    return lambda: browser.post(url, data=data)


def _deactivate(browser, target: User):
    url = f"/admin/users/{target.id}/active"
    return lambda: browser.post(url)


def _active_admins() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User.active_admins().subquery()))


def _signed_in(app, user):
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


@pytest.mark.parametrize("action", [_demote, _deactivate])
def test_two_admins_removing_each_other_at_once_leave_one_admin(app, make_user, slow_admin_count, action):
    first, second = make_user("admin"), make_user("admin")
    first_browser, second_browser = _signed_in(app, first), _signed_in(app, second)
    responses = _run_together(action(first_browser, second), action(second_browser, first))
    assert sorted(r.status_code for r in responses) == [302, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert b"You are no longer an administrator; nothing was changed." in refused.data
    assert _active_admins() == 1


def test_an_admin_cannot_remove_the_last_admin_even_through_the_service(app, make_user):
    only = make_user("admin")

    def demote(user):
        user.role = "learner"

    with pytest.raises(accounts.AccountError, match="At least one active administrator must remain"):
        accounts.save_user(only, only, demote)
    with pytest.raises(accounts.AccountError, match="At least one active administrator must remain"):
        accounts.set_active(only, only, False)
    db.session.refresh(only)
    assert (only.role, only.active) == ("admin", True)


def test_an_admin_demoted_a_moment_ago_can_no_longer_change_rights(app, make_user, slow_admin_count):
    first, second, third = make_user("admin"), make_user("admin"), make_user("admin")
    first_browser, second_browser = _signed_in(app, first), _signed_in(app, second)
    first_demotes_third, second_demotes_first = _run_together(
        _demote(first_browser, third), _demote(second_browser, first)
    )
    db.session.expire_all()
    roles = {u.id: u.role for u in db.session.scalars(select(User))}
    assert roles[second.id] == "admin" and roles[first.id] == "learner"
    if first_demotes_third.status_code == 302:  # first went first, then lost its rights
        assert roles[third.id] == "learner"
    else:  # second went first: the demoted admin's request is refused
        assert first_demotes_third.status_code == 409
        assert b"You are no longer an administrator" in first_demotes_third.data
        assert roles[third.id] == "admin"
    assert second_demotes_first.status_code == 302


def _setup(app, email):
    def post():
        return app.test_client().post(
            "/setup",
            data={
                "full_name": "First Admin",
                "email": email,
                "password": "a-long-secret-9",
                "confirm": "a-long-secret-9",
            },
        )

    return post


def test_two_parallel_setups_create_one_admin(app, monkeypatch):
    real = accounts.create_user

    def slow_create(*args, **kwargs):
        time.sleep(RACE_WINDOW_SECONDS)
        return real(*args, **kwargs)

    monkeypatch.setattr(accounts, "create_user", slow_create)
    responses = _run_together(_setup(app, "one@example.com"), _setup(app, "two@example.com"))
    assert sorted(r.status_code for r in responses) == [302, 404]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(User.role)) == "admin"


def test_setup_is_closed_once_any_account_exists_even_without_an_admin(app, client, make_user):
    make_user("learner")
    assert client.get("/setup").status_code == 404
    assert _setup(app, "eve@example.com")().status_code == 404
    assert client.get("/login").status_code == 200
    assert db.session.scalar(select(func.count(User.id))) == 1
