"""Corporate sign-in and the password-reset mail, clicked through in Chromium against the real app."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from ..live import reset_postgres, start_server
from ..mailserver import text_of
from ..oidc_provider import Provider
from .conftest import no_serious_a11y_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def provider():
    server = Provider().start()
    yield server
    server.stop()


@pytest.fixture
def live(tmp_path, provider, smtp):
    """The app configured with the test provider and the test SMTP server, with an administrator."""
    database = os.environ.get("TEST_DATABASE_URL")
    if database:
        reset_postgres(database)
    env = {**provider.env(), "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port)}
    server = start_server(tmp_path, database, extra_env=env)
    server.cli(
        "create-user",
        "--email",
        "root@corp.example",
        "--name",
        "Root Admin",
        "--role",
        "admin",
        "--password-stdin",
        stdin="root-admin-passphrase\n",
    )
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


def test_a_person_signs_in_through_the_provider_and_lands_in_their_role_and_department(live, provider, pages):
    provider.claims = {
        "sub": "dir-42",
        "email": "mo@corp.example",
        "email_verified": True,
        "name": "Mo Directory",
        "groups": ["smm-leads"],
        "department": "Marketing",
    }
    page = pages.new(bypass_csp=True)  # axe is injected as a script
    page.goto(live.url + "/login")
    no_serious_a11y_violations(page)
    page.get_by_role("link", name="Sign in with Corp Directory").click()
    expect(page.get_by_role("heading", name="My team")).to_be_visible()  # a manager lands on the team dashboard
    assert page.url.endswith("/team/")
    page.goto(live.url + "/account")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Manager")
    expect(facts).to_contain_text("Marketing")
    page.goto(live.url + "/team/")
    assert page.url.endswith("/team/") and "403" not in page.title()

    # A token that fails verification: a clear page, and nobody is signed in.
    provider.mode = "expired"
    other = pages.new("refused", bypass_csp=True)
    other.goto(live.url + "/login")
    other.get_by_role("link", name="Sign in with Corp Directory").click()
    expect(other.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    expect(other.get_by_text("could not be verified")).to_be_visible()
    no_serious_a11y_violations(other)
    other.goto(live.url + "/home")
    assert "/login" in other.url


def test_forgotten_password_by_mail_in_the_browser(live, smtp, pages):
    page = pages.new()
    page.goto(live.url + "/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email").fill("root@corp.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("a link to choose a new password is on its way")).to_be_visible()
    output = live.cli("send-reminders")
    assert "sent 1" in output
    assert "sent 0" in live.cli("send-reminders")
    [message] = smtp.to("root@corp.example")
    link = re.search(r"http://\S+/password/reset/\S+", text_of(message)).group(0)
    assert link.startswith(live.url)
    page.goto(link)
    page.get_by_label("New password").fill("a-fresh-admin-passphrase")
    page.get_by_label("Repeat the password").fill("a-fresh-admin-passphrase")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, live, "root@corp.example", "a-fresh-admin-passphrase")
    page.goto(link)
    expect(page.get_by_role("heading", name="Link not valid")).to_be_visible()
