"""Two app processes sharing one PostgreSQL database behave as one site."""

from __future__ import annotations

import os

import pytest

from ..live import Browser, reset_postgres, start_server

pytestmark = pytest.mark.postgres
DATABASE = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def two_servers(tmp_path):
    if not DATABASE.startswith("postgresql"):
        pytest.fail("set TEST_DATABASE_URL to a PostgreSQL database to run the scale-out test")
    reset_postgres(DATABASE)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first = start_server(tmp_path / "a", DATABASE)
    second = start_server(tmp_path / "b", DATABASE)
    first.cli(
        "create-user",
        "--email",
        "pat@example.com",
        "--name",
        "Pat Person",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a-long-password\n",
    )
    yield first, second
    for server in (first, second):
        server.stop()


def test_a_user_signed_in_on_one_server_continues_on_the_other(two_servers):
    first, second = two_servers
    browser = Browser()
    status, html = browser.post_form(first.url + "/login", {"email": "pat@example.com", "password": "a-long-password"})
    assert status == 200 and "Pat Person" in html and "<h1>Administration</h1>" in html  # admin overview, first server
    status, html = browser.get(second.url + "/home")
    assert status == 200 and "Hello, Pat Person" in html


def test_the_login_throttle_counts_failures_across_both_servers(two_servers):
    first, second = two_servers
    for index in range(5):
        server = (first, second)[index % 2]
        status, _html = Browser().post_form(
            server.url + "/login", {"email": "pat@example.com", "password": "wrong-password"}
        )
        assert status == 401
    status, html = Browser().post_form(
        second.url + "/login", {"email": "pat@example.com", "password": "a-long-password"}
    )
    assert status == 429 and "Too many failed sign-in attempts" in html
